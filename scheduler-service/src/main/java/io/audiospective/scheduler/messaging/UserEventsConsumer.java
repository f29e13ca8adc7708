package io.audiospective.scheduler.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.model.UserEvent;
import io.audiospective.scheduler.ScheduleStatus;
import io.audiospective.scheduler.repository.ScheduledUserRepository;

/** Keeps the set of pollable users in step with the member lifecycle published by auth-service. */
@ApplicationScoped
public class UserEventsConsumer {

    private final ScheduledUserRepository users;

    UserEventsConsumer(ScheduledUserRepository users) {
        this.users = users;
    }

    @Incoming(Channels.USERS)
    @Transactional
    public void consume(UserEvent event) {
        ScheduleStatus status = ScheduleStatus.after(event.type());
        if (status != null) {
            users.applyStatus(event.userId(), status, event.occurredAt());
        }
    }
}
