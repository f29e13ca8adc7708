package io.audiospective.scheduler.messaging;

/** Reactive Messaging channel names of scheduler-service. */
public final class Channels {

    /** Incoming {@link io.audiospective.model.Topics#USERS}: who is polled at all. */
    public static final String USERS = "users";

    /** Incoming {@link io.audiospective.model.Topics#ARCHIVE_OUTCOMES}: how each user's poll went. */
    public static final String ARCHIVE_OUTCOMES = "archive-outcomes";

    /** Outgoing {@link io.audiospective.model.Topics#ARCHIVE_BATCHES}: users to poll now, keyed by batch id. */
    public static final String ARCHIVE_BATCHES = "archive-batches";

    private Channels() {}
}
