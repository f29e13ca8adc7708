package io.audiospective.api.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.repository.PlayRepository;
import io.audiospective.model.PlayEvent;

/**
 * Folds the {@code plays} topic into the read model. Delivery is at least once and replays re-read everything,
 * so the write is idempotent on (user, played_at). Failures are not swallowed: the channel's failure strategy
 * sends the record to {@code plays.dlq} with the reason.
 */
@ApplicationScoped
public class PlaysConsumer {

    private final PlayRepository plays;

    PlaysConsumer(PlayRepository plays) {
        this.plays = plays;
    }

    @Incoming(Channels.PLAYS)
    @Transactional
    public void consume(PlayEvent play) {
        plays.insertIfAbsent(play);
    }
}
