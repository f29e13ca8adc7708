package io.audiospective.archive.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.archive.service.AccessTokenCache;
import io.audiospective.archive.service.ArchiveWriter;
import io.audiospective.archive.service.DeletedMembers;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.UserEventDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * A deleted member's plays, cursor and unpublished plays are purged and their cached Spotify token dropped, on this
 * replica at once and, through {@link DeletedMembers}, on every other one before it would use it; settled by
 * {@link ConsumerPolicy}.
 */
@ApplicationScoped
public class UserEventsConsumer {

    private final UserEventDeserializer decoder = new UserEventDeserializer();
    private final ArchiveWriter writer;
    private final AccessTokenCache accessTokens;
    private final DeletedMembers deletedMembers;
    private final ConsumerPolicy policy;

    UserEventsConsumer(
            ArchiveWriter writer, AccessTokenCache accessTokens, DeletedMembers deletedMembers, ConsumerPolicy policy) {
        this.writer = writer;
        this.accessTokens = accessTokens;
        this.deletedMembers = deletedMembers;
        this.policy = policy;
    }

    @Incoming(Channels.USERS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        return policy.consume(record, decoder, event -> {
            if (event.type() == UserEventType.DELETED) {
                deletedMembers.record(event.userId(), event.occurredAt());
                accessTokens.forget(event.userId());
                // each attempt in a transaction of its own, never one a failed attempt left behind
                QuarkusTransaction.requiringNew().run(() -> writer.purge(event.userId()));
            }
        });
    }
}
