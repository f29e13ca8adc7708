package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.TrackRef;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Album covers as the dashboard's lists and item pages read them, and what those pages need: history filtered by
 * album, an artist's or album's top tracks, an item's plays per month.
 */
@QuarkusTest
class ArtworkAndItemPagesTest {

    @Inject
    Tokens tokens;

    @Inject
    ReadModelService readModel;

    @Inject
    Db db;

    private final String p = UUID.randomUUID().toString().substring(0, 8) + "-";
    private final String user = "art-" + p + UUID.randomUUID();

    private String cover(String name) {
        return "https://i.scdn.co/image/" + p + name;
    }

    private TrackRef track(String id, String album, String albumCover, String... artists) {
        List<ArtistRef> refs = new ArrayList<>();
        for (String artist : artists) {
            refs.add(new ArtistRef(p + artist, "Artist " + artist));
        }
        return new TrackRef(
                p + id,
                "Track " + id,
                200_000,
                null,
                new AlbumRef(p + album, "Album " + album, "2024", albumCover),
                refs);
    }

    /** t1 (A1, R1) 2 plays, t2 (A2, R1) 3, t3 (A2, R1) 2, t4 (A3 without cover, R2) 5; then t1 twice: A1's cover changes. */
    private void listen() {
        Instant start = Instant.parse("2025-03-10T10:00:00Z");
        List<PlayEvent> plays = new ArrayList<>();
        TrackRef[] tracks = {
            track("t1", "A1", cover("a1"), "R1"),
            track("t2", "A2", cover("a2"), "R1"),
            track("t3", "A2", cover("a2"), "R1"),
            track("t4", "A3", null, "R2")
        };
        int[] counts = {2, 3, 2, 5};
        int n = 0;
        for (int t = 0; t < tracks.length; t++) {
            for (int i = 0; i < counts[t]; i++) {
                // a month apart from the third play of each track on: the item timeline has more than one bucket
                plays.add(
                        PlayEvent.polled(user, start.plusSeconds(3600L * n++ + (i >= 2 ? 40L * 86400 : 0)), tracks[t]));
            }
        }
        readModel.applyLive(plays);
        // a later play of A1 with a new cover replaces it; one without a cover leaves it
        readModel.applyLive(List.of(
                PlayEvent.polled(user, start.plusSeconds(90L * 86400), track("t1", "A1", cover("a1-new"), "R1"))));
        readModel.applyLive(
                List.of(PlayEvent.polled(user, start.plusSeconds(91L * 86400), track("t1", "A1", null, "R1"))));
    }

    private JsonPath get(String path) {
        return given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get(path)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void coversAreServedWhereverItemsAreListed() {
        listen();

        JsonPath history = get("/api/v1/me/plays?limit=500");
        assertThat(history.getList("items.imageUrl", String.class))
                .as("each play with the cover it arrived with")
                .hasSize(14)
                .containsSequence(null, cover("a1-new"))
                .contains(cover("a1"), cover("a2"));

        JsonPath tracks = get("/api/v1/me/stats/top/tracks?period=all");
        assertThat(tracks.getList("items.id", String.class)).containsExactly(p + "t4", p + "t1", p + "t2", p + "t3");
        assertThat(tracks.getList("items.imageUrl", String.class))
                .as("a track shows its album's latest cover; an album without one has none")
                .containsExactly(null, cover("a1-new"), cover("a2"), cover("a2"));
        JsonPath albums = get("/api/v1/me/stats/top/albums?period=all");
        assertThat(albums.getList("items.id", String.class)).containsExactly(p + "A2", p + "A3", p + "A1");
        assertThat(albums.getList("items.imageUrl", String.class)).containsExactly(cover("a2"), null, cover("a1-new"));
        JsonPath artists = get("/api/v1/me/stats/top/artists?period=year&date=2025-06-01");
        assertThat(artists.getList("items.id", String.class)).containsExactly(p + "R1", p + "R2");
        assertThat(artists.getList("items.imageUrl", String.class))
                .as("an artist: the cover of their most played album that has one")
                .containsExactly(cover("a2"), null);

        assertThat(get("/api/v1/me/stats/tracks/" + p + "t1").getString("imageUrl"))
                .isEqualTo(cover("a1-new"));
        assertThat(get("/api/v1/me/stats/artists/" + p + "R1").getString("imageUrl"))
                .isEqualTo(cover("a2"));
        assertThat(get("/api/v1/me/stats/albums/" + p + "A2").getString("imageUrl"))
                .isEqualTo(cover("a2"));
        assertThat(get("/api/v1/me/stats/albums/" + p + "A3").getString("imageUrl"))
                .isNull();
    }

    @Test
    void itemPagesHaveTheirTopTracksTimelineAndHistory() {
        listen();

        assertThat(get("/api/v1/me/stats/top/tracks?period=all&artist=" + p + "R1")
                        .getList("items.id", String.class))
                .containsExactly(p + "t1", p + "t2", p + "t3");
        JsonPath ofAlbum = get("/api/v1/me/stats/top/tracks?period=month&date=2025-03-10&album=" + p + "A2");
        assertThat(ofAlbum.getList("items.id", String.class)).containsExactly(p + "t2", p + "t3");
        assertThat(ofAlbum.getList("items.plays", Integer.class))
                .as("the window counts: t2's third play is in April")
                .containsExactly(2, 2);
        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get("/api/v1/me/stats/top/albums?artist=" + p + "R1")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");

        JsonPath months = get("/api/v1/me/stats/albums/" + p + "A2/timeline");
        assertThat(months.getString("granularity")).isEqualTo("month");
        assertThat(months.getList("buckets.start", String.class)).containsExactly("2025-03-01", "2025-04-01");
        assertThat(months.getList("buckets.plays", Integer.class)).containsExactly(4, 1);
        assertThat(get("/api/v1/me/stats/artists/" + p + "R2/timeline?granularity=year")
                        .getList("buckets.plays", Integer.class))
                .containsExactly(5);
        assertThat(get("/api/v1/me/stats/tracks/" + p + "t4/timeline?granularity=day")
                        .getList("buckets.plays", Integer.class))
                .containsExactly(2, 3);
        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get("/api/v1/me/stats/albums/" + p + "A2/timeline?granularity=week")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get("/api/v1/me/stats/albums/" + p + "never/timeline")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");

        JsonPath ofA2 = get("/api/v1/me/plays?album=" + p + "A2");
        assertThat(ofA2.getList("items.albumId", String.class)).hasSize(5).containsOnly(p + "A2");
        assertThat(get("/api/v1/me/plays?album=" + p + "A2&period=custom&from=2025-04-01&to=2025-04-30")
                        .getList("items.trackId", String.class))
                .containsExactly(p + "t2");
    }

    @Test
    void aMembersRebuildGivesTheCatalogueTheCoversOfTheirPlays() {
        listen();
        db.update("UPDATE catalogue_albums SET image_url = NULL WHERE album_id = ?", p + "A2");
        assertThat(get("/api/v1/me/stats/albums/" + p + "A2").getString("imageUrl"))
                .isNull();

        given().auth()
                .oauth2(tokens.admin("admin-" + p))
                .when()
                .post("/api/v1/admin/users/" + user + "/rebuild")
                .then()
                .statusCode(200);

        assertThat(db.queryOne(
                                "SELECT image_url FROM catalogue_albums WHERE album_id = ?",
                                rs -> rs.getString(1),
                                p + "A2")
                        .orElseThrow())
                .isEqualTo(cover("a2"));
    }
}
