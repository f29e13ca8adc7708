package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.api.repository.StatsAnswerCache;
import io.audiospective.api.service.ReadModelService;
import io.audiospective.api.service.StatsService;
import io.audiospective.api.service.StatsService.UserView;
import io.audiospective.model.PlayEvent;
import io.audiospective.support.sql.Db;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Statistics answers are kept in Redis and in the process under the member's read-model version and served from
 * there, never under another version; the version itself is trusted for a second at most when another replica changed
 * it.
 */
@QuarkusTest
class StatsAnswerCacheTest {

    private static final String SUMMARY = "/api/v1/me/stats/summary";

    @Inject
    Tokens tokens;

    @Inject
    ReadModelService readModel;

    @Inject
    StatsService stats;

    @Inject
    RedisDataSource redis;

    @Inject
    Db db;

    @Test
    void aRepeatedReadIsServedFromTheCacheAndANewPlayMovesToANewAnswer() {
        String user = ApiBehaviourTest.fresh();
        List<PlayEvent> plays = ApiBehaviourTest.plays(user, "c", 4);
        readModel.applyLive(plays.subList(0, 3));

        ExtractableResponse<Response> first = summary(user, "year", "2025-05-01");
        assertThat(first.jsonPath().getInt("plays")).isEqualTo(3);
        String key = slot(user, "year", "2025-05-01");
        String identity = identity(user);
        assertThat(redis.value(String.class).get(key)).isEqualTo(identity + "\n" + first.asString());
        assertThat(redis.key().ttl(key)).isBetween(1L, 600L);

        // an answer another replica stored for a window this process never answered comes from Redis, not from the
        // read model: doctor it
        String elsewhere = slot(user, "year", "2024-05-01");
        redis.value(String.class)
                .setex(elsewhere, 60, identity + "\n" + first.asString().replace("\"plays\":3", "\"plays\":333"));
        assertThat(summary(user, "year", "2024-05-01").jsonPath().getInt("plays"))
                .isEqualTo(333);
        // and this process keeps what it read or computed: gone from Redis, both answers are still the same
        redis.key().del(elsewhere, key);
        assertThat(summary(user, "year", "2024-05-01").jsonPath().getInt("plays"))
                .isEqualTo(333);
        ExtractableResponse<Response> second = summary(user, "year", "2025-05-01");
        assertThat(second.asString()).isEqualTo(first.asString());
        assertThat(second.header("ETag")).isEqualTo(first.header("ETag"));
        assertThat(redis.key().exists(key)).isFalse();
        given().auth()
                .oauth2(tokens.user(user))
                .queryParam("period", "year")
                .queryParam("date", "2025-05-01")
                .header("If-None-Match", first.header("ETag"))
                .when()
                .get(SUMMARY)
                .then()
                .statusCode(304);

        // another window of the same member is another answer
        assertThat(summary(user, "all", null).jsonPath().getInt("plays")).isEqualTo(3);

        // a new play gives the member a new version: an answer stored under the old one is never read again (one
        // another replica stores late, doctored here, included), the ETag changes and the slot takes the new answer
        readModel.applyLive(plays.subList(3, 4));
        redis.value(String.class)
                .setex(key, 60, identity + "\n" + first.asString().replace("\"plays\":3", "\"plays\":333"));
        ExtractableResponse<Response> afterPlay = summary(user, "year", "2025-05-01");
        assertThat(afterPlay.jsonPath().getInt("plays")).isEqualTo(4);
        assertThat(afterPlay.header("ETag")).isNotEqualTo(first.header("ETag"));
        assertThat(identity(user)).isNotEqualTo(identity);
        assertThat(redis.value(String.class).get(key)).isEqualTo(identity(user) + "\n" + afterPlay.asString());
        given().auth()
                .oauth2(tokens.user(user))
                .queryParam("period", "year")
                .queryParam("date", "2025-05-01")
                .header("If-None-Match", first.header("ETag"))
                .when()
                .get(SUMMARY)
                .then()
                .statusCode(200)
                .body("plays", equalTo(4));
    }

    @Test
    void aChangeAnotherReplicaCommitsIsSeenWithinTheMemberStateTtl() {
        String user = ApiBehaviourTest.fresh();
        readModel.applyLive(ApiBehaviourTest.plays(user, "r", 2));
        String before = summary(user, "all", null).header("ETag");

        // as another replica's fold or zone change commits it: nothing in this process hears of it
        db.update(
                "UPDATE user_settings SET time_zone = 'Pacific/Auckland',"
                        + " version = nextval('user_settings_version_seq') WHERE user_id = ?",
                user);

        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() ->
                        assertThat(summary(user, "all", null).header("ETag")).isNotEqualTo(before));
        assertThat(stats.user(user).zone().getId()).isEqualTo("Pacific/Auckland");
    }

    @Test
    void errorAnswersAreNotCached() {
        String user = ApiBehaviourTest.fresh();
        List<PlayEvent> plays = ApiBehaviourTest.plays(user, "e", 1);
        readModel.applyLive(plays);
        String path = "/api/v1/me/stats/tracks/never-played";
        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get(path)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        assertThat(redis.key().exists(StatsAnswerCache.slot(user, path))).isFalse();
    }

    private ExtractableResponse<Response> summary(String user, String period, String date) {
        var request = given().auth().oauth2(tokens.user(user)).queryParam("period", period);
        if (date != null) {
            request = request.queryParam("date", date);
        }
        return request.when()
                .get(SUMMARY)
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract();
    }

    private static String slot(String user, String period, String date) {
        return StatsAnswerCache.slot(user, SUMMARY + "?period=" + period + "&date=" + date);
    }

    private String identity(String user) {
        UserView view = stats.user(user);
        return StatsAnswerCache.identity(
                view.version(),
                view.tables().generation(),
                view.zone().getId(),
                stats.today(view).toString());
    }
}
