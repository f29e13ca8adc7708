package io.audiospective.model.codec;

/** A payload that cannot be read as the expected message; the message says which type and what is wrong. */
public class MessageFormatException extends RuntimeException {

    public MessageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
