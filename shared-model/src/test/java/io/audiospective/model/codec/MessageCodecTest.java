package io.audiospective.model.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.BatchReason;
import io.audiospective.model.FailureKind;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.ImportOutcome;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.TrackRef;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;

class MessageCodecTest {

    private static final Instant PLAYED_AT = Instant.parse("2026-03-01T21:14:05.123Z");

    static TrackRef track() {
        return new TrackRef(
                "4uLU6hMCjMI75M1A2tKUQC",
                "Never Gonna Give You Up",
                213_573,
                "GBARL9300135",
                new AlbumRef(
                        "6N9PS4QXF1D0OWPk0Sxtb4",
                        "Whenever You Need Somebody",
                        "1987-11-12",
                        "https://i.scdn.co/image/ab67616d0000b273"),
                List.of(new ArtistRef("0gxyHStUsqpMadRV0Di1Qt", "Rick Astley")));
    }

    @Test
    void everyContractSurvivesARoundTrip() {
        List<Object> messages = List.of(
                ArchiveBatch.of("batch-1", PLAYED_AT, BatchReason.SCHEDULED, List.of("alice", "bob")),
                ArchiveOutcome.success("batch-1", "alice", PLAYED_AT, PLAYED_AT.plusSeconds(2), 7, false, false, true),
                ArchiveOutcome.failure(
                        "batch-1",
                        "bob",
                        PLAYED_AT,
                        PLAYED_AT.plusSeconds(3),
                        FailureKind.RATE_LIMITED,
                        30L,
                        "429 from Spotify"),
                PlayEvent.polled("alice", PLAYED_AT, track()),
                new PlayEvent(1, "alice", PLAYED_AT, track(), 61_000, PlaySource.IMPORT, "import-9"),
                UserEvent.of("alice", UserEventType.REGISTERED, 7, PLAYED_AT, "Alice", "Europe/Berlin"),
                new ImportChunk(
                        1,
                        "import-9",
                        "alice",
                        3,
                        true,
                        List.of(new ImportEntry(
                                PLAYED_AT,
                                61_000,
                                "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
                                "Never Gonna Give You Up",
                                "Rick Astley",
                                "Whenever You Need Somebody",
                                "clickrow",
                                "trackdone",
                                false,
                                null))),
                new ImportProgress(1, "import-9", "alice", 4, 3, 2_500, 480, 20, 1),
                new ImportOutcome(
                        1, "import-9", "alice", ImportOutcome.Result.DONE, PLAYED_AT, 3_000, 2_500, 480, 1, 19, null),
                new ImportOutcome(
                        1,
                        "import-10",
                        "alice",
                        ImportOutcome.Result.FAILED,
                        PLAYED_AT,
                        3_000,
                        0,
                        0,
                        0,
                        0,
                        "sending to the worker stopped after 2 chunks"));

        for (Object message : messages) {
            Object decoded = MessageCodec.decode(MessageCodec.encode(message), message.getClass());
            assertThat(decoded).isEqualTo(message);
        }
    }

    @Test
    void instantsAreWrittenAsIsoTextWithMilliseconds() {
        String json =
                new String(MessageCodec.encode(PlayEvent.polled("alice", PLAYED_AT, track())), StandardCharsets.UTF_8);

        assertThat(json).contains("\"playedAt\":\"2026-03-01T21:14:05.123Z\"").contains("\"schemaVersion\":1");
    }

    @Test
    void unknownFieldsFromNewerWritersAreIgnored() {
        String json = """
                {"schemaVersion":2,"userId":"alice","type":"REGISTERED","occurredAt":"2026-03-01T21:14:05Z",
                 "displayName":"Alice","timeZone":null,"country":"DE","flags":{"beta":true}}
                """;

        UserEvent event = MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8), UserEvent.class);

        assertThat(event.schemaVersion()).isEqualTo(2);
        assertThat(event.userId()).isEqualTo("alice");
        assertThat(event.type()).isEqualTo(UserEventType.REGISTERED);
    }

    @Test
    void invalidJsonIsAClearError() {
        assertThatThrownBy(() -> decode("{\"batchId\": ", ArchiveBatch.class))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageStartingWith("Cannot read ArchiveBatch: ");
    }

    @Test
    void aMissingRequiredFieldNamesTheField() {
        String json = """
                {"schemaVersion":1,"scheduledFor":"2026-03-01T21:00:00Z","reason":"SCHEDULED","userIds":["a"]}
                """;

        assertThatThrownBy(() -> decode(json, ArchiveBatch.class))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("batchId is required");
    }

    @Test
    void aFailedImportOutcomeWithoutItsReasonIsRejected() {
        String json = """
                {"schemaVersion":1,"importId":"import-9","userId":"alice","result":"FAILED",
                 "finishedAt":"2026-03-01T21:00:00Z","entriesRead":3,"imported":0,"duplicates":0,"failed":0,
                 "unmatched":0}
                """;

        assertThatThrownBy(() -> decode(json, ImportOutcome.class))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("error of a FAILED import is required");
    }

    @Test
    void aMissingSchemaVersionIsRejected() {
        String json = """
                {"userId":"alice","type":"DELETED","occurredAt":"2026-03-01T21:14:05Z"}
                """;

        assertThatThrownBy(() -> decode(json, UserEvent.class))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("schemaVersion");
    }

    @Test
    void aValueOfTheWrongTypeNamesItsPath() {
        String json = """
                {"schemaVersion":1,"userId":"alice","type":"SOMETHING_ELSE","occurredAt":"2026-03-01T21:14:05Z"}
                """;

        assertThatThrownBy(() -> decode(json, UserEvent.class))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("SOMETHING_ELSE")
                .hasMessageContaining("type");
    }

    @Test
    void emptyAndNullPayloadsAreErrorsNotNullMessages() {
        assertThatThrownBy(() -> MessageCodec.decode(new byte[0], PlayEvent.class))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> decode("null", PlayEvent.class))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("JSON null");
        assertThatThrownBy(() -> new PlayEventDeserializer().deserialize("plays", null))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("topic plays");
    }

    @Test
    void aBatchHoldsAtMostFiftyUsers() {
        List<String> users = IntStream.range(0, ArchiveBatch.MAX_USERS + 1)
                .mapToObj(i -> "user-" + i)
                .toList();

        assertThatThrownBy(() -> ArchiveBatch.of("b", PLAYED_AT, BatchReason.SCHEDULED, users))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 50");
        assertThatThrownBy(() -> ArchiveBatch.of("b", PLAYED_AT, BatchReason.SCHEDULED, Collections.emptyList()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messagesAreImmutable() {
        List<String> users = new java.util.ArrayList<>(List.of("alice"));
        ArchiveBatch batch = ArchiveBatch.of("b", PLAYED_AT, BatchReason.SCHEDULED, users);
        users.add("mallory");

        assertThat(batch.userIds()).containsExactly("alice");
        assertThatThrownBy(() -> batch.userIds().add("eve")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void kafkaSerdeUsesTheSameCodec() {
        PlayEvent play = PlayEvent.polled("alice", PLAYED_AT, track());

        byte[] bytes = new MessageSerializer().serialize("plays", play);

        assertThat(new PlayEventDeserializer().deserialize("plays", bytes)).isEqualTo(play);
        assertThatThrownBy(() -> new PlayEventDeserializer().deserialize("plays", "[1,2]".getBytes()))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageStartingWith("Record on topic plays: Cannot read PlayEvent");
    }

    private static <T> T decode(String json, Class<T> type) {
        return MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8), type);
    }
}
