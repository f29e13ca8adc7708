package io.audiospective.scheduler.messaging;

/** Reactive Messaging channel names of scheduler-service. */
public final class Channels {

    /** Incoming {@link io.audiospective.model.Topics#USERS}: who is polled at all. */
    public static final String USERS = "users";

    private Channels() {
    }
}
