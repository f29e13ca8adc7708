package io.audiospective.api.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.service.UserService;
import io.audiospective.model.ArchiveOutcome;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** Poll outcomes from {@code archive.outcomes}: last successful poll per member, hourly counts for admins. */
@ApplicationScoped
public class OutcomesConsumer {

    private final UserService users;

    OutcomesConsumer(UserService users) {
        this.users = users;
    }

    @Incoming(Channels.OUTCOMES)
    @Blocking
    public void consume(ArchiveOutcome outcome) {
        users.apply(outcome);
    }
}
