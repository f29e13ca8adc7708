package io.audiospective.archive.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.archive.service.ArchiveWriter;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** A deleted member's plays, cursor and unpublished plays are purged. */
@ApplicationScoped
public class UserEventsConsumer {

    private final ArchiveWriter writer;

    UserEventsConsumer(ArchiveWriter writer) {
        this.writer = writer;
    }

    @Incoming(Channels.USERS)
    @Blocking
    public void consume(UserEvent event) {
        if (event.type() == UserEventType.DELETED) {
            writer.purge(event.userId());
        }
    }
}
