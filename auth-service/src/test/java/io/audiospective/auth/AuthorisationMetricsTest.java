package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.auth.service.AuthorisationMetrics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** The gauges behind the "reconnect Spotify soon" alert, read from /q/metrics as Prometheus scrapes them. */
@QuarkusTest
class AuthorisationMetricsTest {

    private static final Pattern SAMPLE = Pattern.compile(
            "^(auth_reauthorisation_due|auth_members)\\{(\\w+)=\"([^\"]+)\"[^}]*}\\s+(\\S+)", Pattern.MULTILINE);

    @Inject
    AuthorisationMetrics metrics;

    @Inject
    MemberRepository members;

    @Inject
    AuthConfig config;

    @Inject
    Clock clock;

    /** "auth_reauthorisation_due/7d" -> value, from the Prometheus endpoint. */
    static Map<String, Double> scrape() {
        String body = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Map<String, Double> samples = new HashMap<>();
        Matcher m = SAMPLE.matcher(body);
        while (m.find()) {
            samples.put(m.group(1) + "/" + m.group(3), Double.parseDouble(m.group(4)));
        }
        return samples;
    }

    /** A member whose authorisation ends {@code endsIn} from now (negative: already ended). */
    void member(MemberStatus status, Duration endsIn) {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> {
            Member member = new Member();
            member.spotifyUserId = "metrics-" + UUID.randomUUID();
            member.displayName = "Metrics";
            member.status = status;
            member.createdAt = now;
            member.updatedAt = now;
            member.authorizedAt = now.plus(endsIn).minus(config.spotify().authorizationLifetime());
            members.persist(member);
        });
    }

    @Test
    void countsActiveMembersWhoseAuthorisationEndsWithinEachWindow() {
        metrics.refresh();
        Map<String, Double> before = scrape();
        assertThat(before)
                .containsKeys(
                        "auth_reauthorisation_due/1d",
                        "auth_reauthorisation_due/7d",
                        "auth_reauthorisation_due/30d",
                        "auth_members/ACTIVE",
                        "auth_members/NEEDS_REAUTH");

        member(MemberStatus.ACTIVE, Duration.ofHours(-2)); // ended, not yet marked by the expiry job: due
        member(MemberStatus.ACTIVE, Duration.ofHours(12));
        member(MemberStatus.ACTIVE, Duration.ofDays(3));
        member(MemberStatus.ACTIVE, Duration.ofDays(20));
        member(MemberStatus.ACTIVE, Duration.ofDays(90));
        member(MemberStatus.NEEDS_REAUTH, Duration.ofHours(6)); // already asked to sign in again: not counted
        metrics.refresh();
        Map<String, Double> after = scrape();

        assertThat(after.get("auth_reauthorisation_due/1d") - before.get("auth_reauthorisation_due/1d"))
                .isEqualTo(2);
        assertThat(after.get("auth_reauthorisation_due/7d") - before.get("auth_reauthorisation_due/7d"))
                .isEqualTo(3);
        assertThat(after.get("auth_reauthorisation_due/30d") - before.get("auth_reauthorisation_due/30d"))
                .isEqualTo(4);
        assertThat(after.get("auth_members/ACTIVE") - before.get("auth_members/ACTIVE"))
                .isEqualTo(5);
        assertThat(after.get("auth_members/NEEDS_REAUTH") - before.get("auth_members/NEEDS_REAUTH"))
                .isEqualTo(1);
    }
}
