package io.audiospective.auth;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.eclipse.microprofile.config.ConfigProvider;

import io.audiospective.model.Topics;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Reads the {@code users} topic of the test broker. */
final class UserEvents {

    private UserEvents() {}

    /** The first event of that type for the user, waiting up to 30 s for it. */
    static Optional<UserEvent> find(String userId, UserEventType type) {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrap)) {
            var consumed = kafka.consume(String.class, byte[].class)
                    .withGroupId("test-" + UUID.randomUUID())
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.USERS);
            try {
                return await().atMost(Duration.ofSeconds(30))
                        .until(
                                () -> consumed.getRecords().stream()
                                        .filter(r -> userId.equals(r.key()))
                                        .map(r -> MessageCodec.decode(r.value(), UserEvent.class))
                                        .filter(e -> e.type() == type)
                                        .findFirst(),
                                Optional::isPresent);
            } finally {
                consumed.close();
            }
        }
    }
}
