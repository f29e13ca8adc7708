package io.audiospective.auth.messaging;

/** Reactive Messaging channel names of auth-service. */
public final class Channels {

    /** Outgoing {@link io.audiospective.model.Topics#USERS}: member lifecycle events. */
    public static final String USERS = "users";

    /** Incoming {@link io.audiospective.model.Topics#IMPORT_OUTCOMES}: api-service's import jobs that ended. */
    public static final String IMPORT_OUTCOMES = "import-outcomes";

    private Channels() {}
}
