package io.audiospective.support.messaging;

/**
 * Headers of a record set aside on its topic's {@code .dlq}: why, and where it came from. The names are those
 * SmallRye's dead-letter strategy writes, so tools reading either find the same fields.
 */
public final class DeadLetterHeaders {

    /** Every header this policy adds starts with this; a re-drive removes them again. */
    public static final String PREFIX = "dead-letter-";
    /** The failure's message, for a person. */
    public static final String REASON = "dead-letter-reason";
    /** A short, stable code of the failure ({@link Failures#code}), for grouping and re-driving by reason. */
    public static final String REASON_CODE = "dead-letter-reason-code";
    /** {@link Failures.Kind} of the failure. */
    public static final String KIND = "dead-letter-kind";

    public static final String EXCEPTION_CLASS = "dead-letter-exception-class-name";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

    private DeadLetterHeaders() {}
}
