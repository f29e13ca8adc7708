package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.auth.service.MailRelay;
import io.audiospective.model.ImportOutcome;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.messaging.DeadLetterHeaders;
import io.audiospective.testing.Mailbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * api-service's import outcomes on {@code imports.outcomes} (the real broker) become member mails sent through a real
 * SMTP server (GreenMail, read back over IMAP): a DONE import's figures, a FAILED one's reason, each once however
 * often the event comes; the IMPORTS category turned off stops them; a malformed event goes to the dead-letter topic
 * with its reason and the consumer goes on.
 */
@QuarkusTest
class ImportMailTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String GROUP = "auth-service-import-mails";

    @Inject
    MailRelay relay;

    @Inject
    EntityManager entityManager;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "audiospective.auth.public-url")
    String publicUrl;

    @ConfigProperty(name = "audiospective.auth.frontend-url")
    String frontendUrl;

    private KafkaProducer<String, byte[]> producer;
    private Admin admin;

    @BeforeEach
    void open() {
        RestAssured.baseURI = "http://127.0.0.1";
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE membership SET extra_seats = seats_taken + reserved_seats + 12 WHERE id = 1")
                        .executeUpdate());
        Mailbox.line().restore();
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    @AfterEach
    void close() {
        producer.close();
        admin.close();
    }

    @Test
    void aDoneImportIsMailedOnceWithItsFigureAndLinks() {
        String userId = member("imported");
        String importId = UUID.randomUUID().toString();
        ImportOutcome done = new ImportOutcome(
                1, importId, userId, ImportOutcome.Result.DONE, Instant.now(), 14_000, 12_345, 1_600, 40, 15, null);

        publish(userId, MessageCodec.encode(done));

        Mailbox.Received mail = awaitMails(userId, 1).get(0);
        assertThat(mail.subject()).isEqualTo("Your import is done: 12,345 plays added to your listening history");
        assertThat(mail.text().replace("\r\n", "\n"))
                .contains("12,345 plays were added to your Audiospective archive")
                .contains("1,600 of the plays in your files were in your archive already")
                .contains("55 entries could not be archived")
                .contains(frontendUrl + "#/data")
                .contains(publicUrl + "/mail/unsubscribe?member=" + userId + "&category=IMPORTS&token=");
        assertThat(mail.html())
                .contains("<strong>12,345 plays</strong>")
                .contains("href=\"" + frontendUrl + "#/data\"");
        assertThat(mail.listUnsubscribe()).startsWith("<" + publicUrl + "/mail/unsubscribe?member=" + userId);

        // the same event delivered again (a producer retry, a consumer restart before its commit) sends nothing new
        RecordMetadata again = publish(userId, MessageCodec.encode(done));
        awaitConsumed(again);
        relay.sendDue();
        assertThat(Mailbox.of(email(userId))).hasSize(1);
        assertThat(outboxRows(userId)).isEqualTo(1);
    }

    @Test
    void aFailedImportIsMailedWithItsReasonInMemberWordsAndWhatToDo() {
        String userId = member("failedimport");
        // api-service's reason, written for its job list and operators
        String reason = "sending to the worker stopped after 3 chunks; the chunks sent are archived, the rest is not:"
                + " upload the file again (nothing is archived twice)";
        ImportOutcome failed = new ImportOutcome(
                1,
                UUID.randomUUID().toString(),
                userId,
                ImportOutcome.Result.FAILED,
                Instant.now(),
                20_000,
                0,
                0,
                0,
                0,
                reason);

        publish(userId, MessageCodec.encode(failed));
        publish(userId, MessageCodec.encode(failed));

        Mailbox.Received mail = awaitMails(userId, 1).get(0);
        assertThat(mail.subject()).isEqualTo("Your Audiospective import failed: what happened and what to do");
        assertThat(mail.text().replace("\r\n", "\n"))
                .contains("What went wrong:\nWe stopped reading your file into your archive part-way through because"
                        + " of a problem on our side.")
                .doesNotContainIgnoringCase("worker")
                .doesNotContainIgnoringCase("chunk")
                .contains("What to do:")
                .contains("upload the same file again")
                .contains(frontendUrl + "#/data")
                .contains("category=IMPORTS");
        assertThat(mail.html())
                .contains("We stopped reading your file")
                .doesNotContainIgnoringCase("worker")
                .doesNotContainIgnoringCase("chunk");
        awaitConsumed(publish(userId, MessageCodec.encode(failed)));
        relay.sendDue();
        assertThat(Mailbox.of(email(userId))).hasSize(1);
    }

    @Test
    void importMailsAreACategoryOnByDefaultThatTheMemberCanTurnOff() {
        String userId = member("optout");
        String token = SpotifySignIn.signIn(userId).apiToken();
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/account/mail")
                .then()
                .statusCode(200)
                .body("categories.IMPORTS", equalTo(true));
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"categories\":{\"IMPORTS\":false}}")
                .when()
                .put("/api/v1/account/mail")
                .then()
                .statusCode(200)
                .body("categories.IMPORTS", equalTo(false))
                .body("categories.REAUTH", equalTo(true));

        awaitConsumed(publish(userId, MessageCodec.encode(done(userId))));
        relay.sendDue();
        assertThat(outboxRows(userId)).isZero();
        assertThat(Mailbox.of(email(userId))).isEmpty();

        // turned on again, the next import is mailed
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"categories\":{\"IMPORTS\":true}}")
                .when()
                .put("/api/v1/account/mail")
                .then()
                .statusCode(200);
        publish(userId, MessageCodec.encode(done(userId)));
        assertThat(awaitMails(userId, 1).get(0).subject()).startsWith("Your import is done");
    }

    @Test
    void aMalformedEventGoesToTheDeadLetterTopicWithItsReasonAndTheNextIsMailed() {
        String userId = member("poison");
        String failedWithoutReason = """
                {"schemaVersion":1,"importId":"%s","userId":"%s","result":"FAILED","finishedAt":"%s",
                 "entriesRead":5,"imported":0,"duplicates":0,"failed":0,"unmatched":0}
                """.formatted(UUID.randomUUID(), userId, Instant.now());

        publish(userId, failedWithoutReason.getBytes(StandardCharsets.UTF_8));
        publish(userId, MessageCodec.encode(done(userId)));

        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            var deadLetters = kafka.consume(String.class, byte[].class)
                    .withGroupId("test-" + UUID.randomUUID())
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.deadLetter(Topics.IMPORT_OUTCOMES));
            try {
                var deadLetter = await().atMost(WAIT)
                        .until(
                                () -> deadLetters.getRecords().stream()
                                        .filter(r -> userId.equals(r.key()))
                                        .findFirst(),
                                Optional::isPresent)
                        .orElseThrow();
                assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8))
                        .isEqualTo(failedWithoutReason);
                assertThat(header(deadLetter.headers().lastHeader(DeadLetterHeaders.REASON)))
                        .contains("error of a FAILED import is required");
                assertThat(header(deadLetter.headers().lastHeader(DeadLetterHeaders.TOPIC)))
                        .isEqualTo(Topics.IMPORT_OUTCOMES);
            } finally {
                deadLetters.close();
            }
        }
        assertThat(awaitMails(userId, 1).get(0).subject()).startsWith("Your import is done");
    }

    private static ImportOutcome done(String userId) {
        return new ImportOutcome(
                1,
                UUID.randomUUID().toString(),
                userId,
                ImportOutcome.Result.DONE,
                Instant.now(),
                10,
                10,
                0,
                0,
                0,
                null);
    }

    private RecordMetadata publish(String userId, byte[] payload) {
        try {
            return producer.send(new ProducerRecord<>(Topics.IMPORT_OUTCOMES, userId, payload))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("the test broker did not take the record", e);
        }
    }

    /** Waits until auth-service's consumer group committed past the record: it was applied (or set aside). */
    private void awaitConsumed(RecordMetadata record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(partition);
            return committed != null && committed.offset() > record.offset();
        });
    }

    private static String header(Header header) {
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String member(String kind) {
        String userId = SpotifySignIn.createUsers(
                        kind + UUID.randomUUID().toString().substring(0, 8), 1)
                .get(0);
        assertThat(SpotifySignIn.signIn(userId).signedIn()).isTrue();
        return userId;
    }

    /** The emulator's address of the user, which Spotify's profile gave auth-service at sign-in. */
    private static String email(String userId) {
        return userId + "@users.emulator.test";
    }

    private static List<Mailbox.Received> awaitMails(String userId, int count) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Mailbox.of(email(userId)).size() >= count);
        List<Mailbox.Received> received = Mailbox.of(email(userId));
        assertThat(received).hasSize(count);
        return received;
    }

    private long outboxRows(String userId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery("SELECT count(*) FROM mail_outbox WHERE user_id = :id")
                                .setParameter("id", userId)
                                .getSingleResult())
                        .longValue());
    }
}
