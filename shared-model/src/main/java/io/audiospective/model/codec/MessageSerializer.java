package io.audiospective.model.codec;

import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for every message contract. */
public class MessageSerializer implements Serializer<Object> {

    @Override
    public byte[] serialize(String topic, Object message) {
        return message == null ? null : MessageCodec.encode(message);
    }
}
