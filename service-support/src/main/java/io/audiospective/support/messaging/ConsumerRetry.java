package io.audiospective.support.messaging;

/**
 * The retry policy of every Kafka consumer, as constants for {@code @Retry} and {@code @ExponentialBackoff} on the
 * {@code @Incoming} methods. A record that fails because PostgreSQL, Redis or a peer is briefly unreachable is
 * retried in place (the partition waits, order is kept) for up to {@link #MAX_MINUTES} minutes; only a record
 * that is wrong in itself ({@link IllegalArgumentException}, a malformed message) or still failing after that goes
 * to the channel's dead-letter topic with the reason. Channels set
 * {@code throttled.unprocessed-record-max-age.ms} above this bound so the commit strategy waits too.
 */
public final class ConsumerRetry {

    /** The first wait, doubled per attempt up to {@link #MAX_DELAY_SECONDS}. */
    public static final long DELAY_MILLIS = 500;
    public static final long JITTER_MILLIS = 200;
    public static final long MAX_DELAY_SECONDS = 20;
    public static final long MAX_MINUTES = 5;

    private ConsumerRetry() {
    }
}
