package io.audiospective.api.messaging;

/** Reactive Messaging channel names of api-service. */
public final class Channels {

    /** Incoming {@link io.audiospective.model.Topics#PLAYS}, feeding the read model. */
    public static final String PLAYS = "plays";

    private Channels() {
    }
}
