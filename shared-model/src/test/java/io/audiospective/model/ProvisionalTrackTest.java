package io.audiospective.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.audiospective.model.codec.MessageCodec;

class ProvisionalTrackTest {

    @Test
    void provisionalIdsFollowTheNamesKeyAndNeverLookLikeSpotifyIds() {
        assertThat(ProvisionalIds.artist("Björk"))
                .isEqualTo(ProvisionalIds.artist("  BJÖRK "))
                .isNotEqualTo(ProvisionalIds.artist("Bjork"))
                .startsWith("~")
                .hasSize(22);
        assertThat(ProvisionalIds.album("A", "Greatest Hits"))
                .isNotEqualTo(ProvisionalIds.album("B", "Greatest Hits"))
                .isEqualTo(ProvisionalIds.album("a", "greatest  hits"));
        assertThat(ProvisionalIds.isProvisional(ProvisionalIds.artist("A"))).isTrue();
        assertThat(ProvisionalIds.isProvisional("4uLU6hMCjMI75M1A2tKUQC")).isFalse();
    }

    @Test
    void aCompleteTrackOmitsTheFlagAndOlderMessagesReadAsComplete() {
        TrackRef complete = new TrackRef(
                "4uLU6hMCjMI75M1A2tKUQC",
                "Song",
                1000,
                null,
                new AlbumRef("6N9PS4QXF1D0OWPk0Sxtb4", "Album", null, null),
                List.of(new ArtistRef("a1", "A")));
        String json = new String(MessageCodec.encode(complete), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("provisional");
        assertThat(MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8), TrackRef.class)
                        .provisional())
                .isFalse();

        TrackRef provisional = new TrackRef(
                "4uLU6hMCjMI75M1A2tKUQC",
                "Song",
                0,
                null,
                new AlbumRef(ProvisionalIds.album("A", "Album"), "Album", null, null),
                List.of(new ArtistRef(ProvisionalIds.artist("A"), "A")),
                true);
        TrackRef decoded = MessageCodec.decode(MessageCodec.encode(provisional), TrackRef.class);
        assertThat(decoded).isEqualTo(provisional);
        assertThat(decoded.provisional()).isTrue();
    }

    @Test
    void anUndoAndARemovedPlayRoundTripAndOlderMessagesReadAsNeither() {
        ImportChunk undo = ImportChunk.undo("import-1", "alice");
        assertThat(MessageCodec.decode(MessageCodec.encode(undo), ImportChunk.class))
                .isEqualTo(undo);
        ImportChunk chunk = new ImportChunk(1, "import-1", "alice", 0, true, List.of());
        assertThat(new String(MessageCodec.encode(chunk), StandardCharsets.UTF_8))
                .doesNotContain("undo");
        assertThat(MessageCodec.decode(MessageCodec.encode(chunk), ImportChunk.class)
                        .undo())
                .isFalse();

        TrackRef track = new TrackRef(
                "4uLU6hMCjMI75M1A2tKUQC",
                "Song",
                1000,
                null,
                new AlbumRef("6N9PS4QXF1D0OWPk0Sxtb4", "Album", null, null),
                List.of(new ArtistRef("a1", "A")));
        PlayEvent removal = new PlayEvent(
                1,
                "alice",
                java.time.Instant.parse("2020-01-01T00:00:00Z"),
                track,
                1000,
                PlaySource.IMPORT,
                "import-1",
                true);
        assertThat(MessageCodec.decode(MessageCodec.encode(removal), PlayEvent.class))
                .isEqualTo(removal);
        PlayEvent play = new PlayEvent(1, "alice", removal.playedAt(), track, 1000, PlaySource.IMPORT, "import-1");
        assertThat(new String(MessageCodec.encode(play), StandardCharsets.UTF_8))
                .doesNotContain("removed");
        assertThat(MessageCodec.decode(MessageCodec.encode(play), PlayEvent.class)
                        .removed())
                .isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new PlayEvent(1, "alice", removal.playedAt(), track, 1000, PlaySource.POLL, null, true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
