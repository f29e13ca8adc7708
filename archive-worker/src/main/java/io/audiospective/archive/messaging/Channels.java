package io.audiospective.archive.messaging;

/** Reactive Messaging channel names of archive-worker. */
public final class Channels {

    /** Outgoing {@link io.audiospective.model.Topics#ARCHIVE_OUTCOMES}: how each user's poll went. */
    public static final String ARCHIVE_OUTCOMES = "archive-outcomes";

    private Channels() {
    }
}
