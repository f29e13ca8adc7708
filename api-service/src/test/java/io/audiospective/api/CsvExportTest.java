package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.TrackRef;
import io.quarkus.test.junit.QuarkusTest;

/** The CSV export never hands a spreadsheet a formula: names come from Spotify and from uploaded files. */
@QuarkusTest
class CsvExportTest {

    @Inject
    Tokens tokens;

    @Inject
    ReadModelService readModel;

    @Test
    void cellsThatASpreadsheetWouldEvaluateStartWithAnApostrophe() {
        String user = "csv-" + UUID.randomUUID();
        String id = user.substring(4, 12);
        TrackRef track = new TrackRef(
                "t-" + id,
                "=HYPERLINK(\"http://evil.example\",\"click\")",
                180_000,
                null,
                new AlbumRef("al-" + id, "+1 Album", "2020", null),
                List.of(new ArtistRef("ar1-" + id, "@Artist"), new ArtistRef("ar2-" + id, "-Artist")));
        TrackRef tab = new TrackRef(
                "u-" + id,
                "\tTabbed",
                180_000,
                null,
                new AlbumRef("al2-" + id, "Plain", "2020", null),
                List.of(new ArtistRef("ar3-" + id, "Fine")));
        readModel.applyLive(List.of(
                PlayEvent.polled(user, Instant.parse("2025-05-01T08:00:00Z"), track),
                PlayEvent.polled(user, Instant.parse("2025-05-01T09:00:00Z"), tab)));

        String[] lines = given().auth()
                .oauth2(tokens.user(user))
                .queryParam("format", "csv")
                .when()
                .get("/api/v1/me/export")
                .then()
                .statusCode(200)
                .extract()
                .asString()
                .split("\n");

        assertThat(lines).hasSize(3);
        assertThat(lines[1])
                .contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",")
                .contains(",'+1 Album,")
                .contains(",'@Artist;-Artist,");
        assertThat(lines[2]).contains(",'\tTabbed,").contains(",Plain,").contains(",Fine,");
    }
}
