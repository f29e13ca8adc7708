package io.audiospective.auth.messaging;

/** Reactive Messaging channel names of auth-service. */
public final class Channels {

    /** Outgoing {@link io.audiospective.model.Topics#USERS}: member lifecycle events. */
    public static final String USERS = "users";

    private Channels() {}
}
