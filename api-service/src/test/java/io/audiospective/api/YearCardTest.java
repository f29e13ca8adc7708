package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.List;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.audiospective.api.Views.YearInReview;
import io.audiospective.api.service.PngText;
import io.audiospective.api.service.YearCardRenderer;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.quarkus.test.junit.QuarkusTest;

/** The shareable year card is drawn from the year in review's own figures and revalidates like it. */
@QuarkusTest
class YearCardTest {

    @Inject
    Tokens tokens;

    @Inject
    YearCardRenderer renderer;

    @Inject
    TestTopics topics;

    @Test
    void theCardShowsTheFiguresTheYearInReviewAnswers() {
        String user = "card-" + UUID.randomUUID();
        String token = tokens.user(user);
        Random random = new Random();
        List<TrackRef> catalogue = Histories.catalogue(random, user.substring(5, 13) + "-");
        List<PlayEvent> plays = Histories.history(random, user, catalogue, 12);
        topics.sendAll(plays.stream()
                .map(p -> new ProducerRecord<>(Topics.PLAYS, user, MessageCodec.encode(p)))
                .toList());
        StatsPropertyTest.awaitPlays(token, plays.size());

        YearInReview year = given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/me/stats/year-in-review/2025")
                .then()
                .statusCode(200)
                .extract()
                .as(YearInReview.class);
        var card = given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/me/stats/year-in-review/2025/card")
                .then()
                .statusCode(200)
                .contentType("image/png")
                .header("Cache-Control", containsString("private"))
                .extract();

        PngText read = PngText.read(card.asByteArray(), YearCardRenderer.DESCRIPTION_KEYWORD);
        assertThat(read.width()).isEqualTo(YearCardRenderer.WIDTH);
        assertThat(read.text())
                .isEqualTo(renderer.description(year))
                .contains(String.format(
                        java.util.Locale.ENGLISH,
                        "over %,d plays",
                        year.summary().plays()))
                .contains("Top artists: " + year.topArtists().get(0).name());
        assertThat(year.summary().plays()).isPositive();

        // revalidation as for the statistics: unchanged plays, same card
        given().auth()
                .oauth2(token)
                .header("If-None-Match", card.header("ETag"))
                .when()
                .get("/api/v1/me/stats/year-in-review/2025/card")
                .then()
                .statusCode(304);
    }

    @Test
    void aYearThatIsNoYearIsAProblem() {
        String token = tokens.user("card-" + UUID.randomUUID());
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/me/stats/year-in-review/20x5/card")
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body(containsString("is not a year"));
        given().when().get("/api/v1/me/stats/year-in-review/2025/card").then().statusCode(401);
    }
}
