package io.audiospective.model.codec;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON setup for every Kafka message: ISO-8601 instants, unknown fields ignored (so older readers accept
 * newer writers), and every failure reported as a {@link MessageFormatException} naming the type and the problem.
 */
public final class MessageCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private MessageCodec() {}

    public static byte[] encode(Object message) {
        if (message == null) {
            throw new IllegalArgumentException("Cannot encode a null message");
        }
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new MessageFormatException(
                    "Cannot write " + message.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T decode(byte[] payload, Class<T> type) {
        if (payload == null || payload.length == 0) {
            throw new MessageFormatException("Cannot read " + type.getSimpleName() + ": the payload is empty", null);
        }
        try {
            T message = MAPPER.readValue(payload, type);
            if (message == null) {
                throw new MessageFormatException(
                        "Cannot read " + type.getSimpleName() + ": the payload is JSON null", null);
            }
            return message;
        } catch (IOException e) {
            throw new MessageFormatException("Cannot read " + type.getSimpleName() + ": " + describe(e), e);
        }
    }

    /** The root problem and where it is, without Jackson's source excerpt. */
    private static String describe(IOException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String problem = root instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : root.getMessage();
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return problem + " (at " + mapping.getPathReference().replace("java.lang.Object", "") + ")";
        }
        return problem;
    }
}
