package io.audiospective.model.codec;

import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer of one message contract. Malformed records throw {@link MessageFormatException}
 * instead of becoming null values, so consumers can route them to a dead-letter topic with the reason.
 */
public abstract class MessageDeserializer<T> implements Deserializer<T> {

    private final Class<T> type;

    protected MessageDeserializer(Class<T> type) {
        this.type = type;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        try {
            return MessageCodec.decode(data, type);
        } catch (MessageFormatException e) {
            throw new MessageFormatException("Record on topic " + topic + ": " + e.getMessage(), e.getCause());
        }
    }
}
