package io.audiospective.api.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.PlayEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Folds the {@code plays} topic into the read model. Delivery is at least once and replays re-read everything,
 * so the write is idempotent on (user, played_at) and rollups only move for a play that was new. Failures are
 * not swallowed: the channel's failure strategy sends the record to {@code plays.dlq} with the reason.
 */
@ApplicationScoped
public class PlaysConsumer {

    private final ReadModelService readModel;

    PlaysConsumer(ReadModelService readModel) {
        this.readModel = readModel;
    }

    @Incoming(Channels.PLAYS)
    @Blocking
    public void consume(PlayEvent play) {
        readModel.applyLive(play);
    }
}
