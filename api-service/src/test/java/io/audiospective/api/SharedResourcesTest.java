package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.TrackRef;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** One member cannot tie up what all members share: database connections, the fold's locks, full scans. */
@QuarkusTest
class SharedResourcesTest {

    @Inject
    Tokens tokens;

    @Inject
    ReadModelService readModel;

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/api/v1/me/export")
    URI export;

    @Test
    void anExportReadSlowlyHoldsNoDatabaseConnectionAndStillSendsEveryPlay() throws Exception {
        String user = "export-" + UUID.randomUUID();
        int plays = 30_000; // about 12 MB of JSON: far more than the socket buffers, so the server must wait
        fold(user, plays, 0);

        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(8192);
            socket.connect(new java.net.InetSocketAddress(export.getHost(), export.getPort()));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + export.getPath() + "?format=json HTTP/1.1\r\nHost: " + export.getHost() + "\r\n"
                            + "Authorization: Bearer " + tokens.user(user) + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            received.write(buffer, 0, in.read(buffer));
            assertThat(received.toString(StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");

            // the client stops reading: the export waits for it, without a connection or transaction of its own
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> exportTransactionsOpen() == 0);

            for (int n; (n = in.read(buffer)) > 0; ) {
                received.write(buffer, 0, n);
            }
            String body = body(received.toByteArray());
            assertThat(body.split("\"trackId\"", -1)).hasSize(plays + 1);
            assertThat(body.strip()).endsWith("]");
        }
    }

    @Test
    void aMemberChangesTheirZoneAFewTimesAnHourThenGets429WithRetryAfter() {
        String user = "zones-" + UUID.randomUUID();
        String token = tokens.user(user);
        fold(user, 200, 0);
        for (String zone : List.of("Europe/Berlin", "Asia/Kolkata", "America/New_York")) {
            setZone(token, zone).then().statusCode(200).body("timeZone", equalTo(zone));
        }
        // the zone it already has rebuilds nothing and is not counted
        setZone(token, "America/New_York").then().statusCode(200);

        setZone(token, "Asia/Tokyo")
                .then()
                .statusCode(429)
                .contentType(containsString("application/problem+json"))
                .header("Retry-After", notNullValue())
                .body("type", equalTo("urn:audiospective:problem:too-many-time-zone-changes"));
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("timeZone", equalTo("America/New_York"));
    }

    @Test
    void theArtistFilterReadsTheMembersPlaysOfThatArtistThroughItsIndex() throws Exception {
        String user = "artist-" + UUID.randomUUID();
        String token = tokens.user(user);
        fold(user, 3_000, 5);
        analyse();
        long scansBefore = artistIndexScans();

        List<Map<String, Object>> page = given().auth()
                .oauth2(token)
                .queryParam("artist", rareArtist(user))
                .queryParam("period", "all")
                .when()
                .get("/api/v1/me/plays")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");

        assertThat(page).hasSize(5);
        List<Instant> playedAt = page.stream()
                .map(p -> Instant.parse((String) p.get("playedAt")))
                .toList();
        assertThat(playedAt).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        // a backend reports its index scans once idle, up to 10 s later, and later still on a loaded machine
        await().atMost(Duration.ofSeconds(40)).until(() -> artistIndexScans() > scansBefore);
    }

    /** The body of a raw HTTP/1.1 response, de-chunked. */
    private static String body(byte[] response) {
        String all = new String(response, StandardCharsets.ISO_8859_1);
        int start = all.indexOf("\r\n\r\n") + 4;
        if (!all.substring(0, start).toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            return new String(response, start, response.length - start, StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = start;
        while (true) {
            int lineEnd = all.indexOf("\r\n", at);
            int size = Integer.parseInt(all.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(response, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    /** {@code common} plays spread over 40 artists, then {@code rare} plays of one more artist, a minute apart. */
    private void fold(String user, int common, int rare) {
        String id = user.substring(user.indexOf('-') + 1, user.indexOf('-') + 9);
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        List<PlayEvent> events = new ArrayList<>();
        for (int i = 0; i < common + rare; i++) {
            String artist = i < common ? "ar" + (i % 40) + "-" + id : rareArtist(user);
            TrackRef track = new TrackRef(
                    "t" + (i % 400) + "-" + id + (i < common ? "" : "r"),
                    "Track " + i % 400,
                    180_000,
                    null,
                    new AlbumRef("al" + (i % 40) + "-" + id, "Album " + i % 40, "2020", null),
                    List.of(new ArtistRef(artist, "Artist " + artist)));
            events.add(PlayEvent.polled(user, start.plusSeconds(60L * i), track));
            if (events.size() == 1000) {
                readModel.applyLive(events);
                events = new ArrayList<>();
            }
        }
        if (!events.isEmpty()) {
            readModel.applyLive(events);
        }
    }

    private static String rareArtist(String user) {
        return "rare-" + user.substring(user.indexOf('-') + 1, user.indexOf('-') + 9);
    }

    private io.restassured.response.Response setZone(String token, String zone) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(Map.of("timeZone", zone))
                .when()
                .put("/api/v1/me/time-zone");
    }

    /** Transactions left open by an export's query (an open cursor waiting for the client). */
    private long exportTransactionsOpen() throws Exception {
        return number("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND state = 'idle in transaction' AND query LIKE '%ORDER BY played_at%'");
    }

    private long artistIndexScans() throws Exception {
        return number("SELECT coalesce(sum(s.idx_scan), 0) FROM pg_stat_user_indexes s JOIN pg_indexes i"
                + " ON i.schemaname = s.schemaname AND i.indexname = s.indexrelname"
                + " WHERE i.indexdef LIKE '%play_artist_keys%'");
    }

    private void analyse() throws Exception {
        try (var connection = dataSource.getConnection();
                var statement = connection.createStatement()) {
            statement.execute("ANALYZE");
        }
    }

    private long number(String sql) throws Exception {
        try (var connection = dataSource.getConnection();
                var statement = connection.createStatement();
                var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
