package io.audiospective.api.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.service.UserService;
import io.audiospective.model.UserEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Member lifecycle from {@code users}: profile and archive state, time zone, and DELETED purging the member's
 * read model. Failures go to {@code users.dlq} through the channel's failure strategy.
 */
@ApplicationScoped
public class UsersConsumer {

    private final UserService users;

    UsersConsumer(UserService users) {
        this.users = users;
    }

    @Incoming(Channels.USERS)
    @Blocking
    public void consume(UserEvent event) {
        users.apply(event);
    }
}
