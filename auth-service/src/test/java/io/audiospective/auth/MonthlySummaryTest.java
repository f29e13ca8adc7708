package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.auth.service.ApiTokenService;
import io.audiospective.auth.service.MailRelay;
import io.audiospective.auth.service.MemberMails;
import io.audiospective.auth.service.MonthlySummaries;
import io.audiospective.testing.Mailbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The monthly summary against a real SMTP server (GreenMail) and api-service's statistics API served over HTTP by
 * {@link ApiStatsStub}: opt-in (off by default), sent once per member and month when the clock reaches the first of
 * the month in the member's zone, with the month's numbers from a member token; while api-service is out of reach
 * nothing is decided and the next run sends it; a month without plays sends nothing; its unsubscribe link turns only
 * the summary off.
 */
@QuarkusTest
class MonthlySummaryTest {

    private static final Pattern UNSUBSCRIBE = Pattern.compile("(http://\\S+/mail/unsubscribe\\?\\S+)");
    private static final String ARTISTS = """
            [{"rank":1,"id":"a1","name":"Rick Astley","plays":40,"ms":9000000},
             {"rank":2,"id":"a2","name":"Kate Bush","plays":30,"ms":7000000},
             {"rank":3,"id":"a3","name":"Nina Simone","plays":20,"ms":5000000}]""";
    private static final String TRACKS = """
            [{"rank":1,"id":"t1","name":"Never Gonna Give You Up","artists":[{"id":"a1","name":"Rick Astley"}],
              "plays":25,"ms":5000000},
             {"rank":2,"id":"t2","name":"Running Up That Hill","artists":[{"id":"a2","name":"Kate Bush"}],"plays":18,
              "ms":4000000},
             {"rank":3,"id":"t3","name":"Feeling Good","artists":[{"id":"a3","name":"Nina Simone"}],"plays":9,
              "ms":2000000}]""";

    @Inject
    MonthlySummaries summaries;

    @Inject
    MailRelay relay;

    @Inject
    MemberMails mails;

    @Inject
    ApiTokenService tokens;

    @Inject
    EntityManager entityManager;

    @Inject
    OffsetClock clock;

    @BeforeEach
    void open() {
        clock.reset();
        RestAssured.baseURI = "http://127.0.0.1";
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE membership SET extra_seats = seats_taken + reserved_seats + 4 WHERE id = 1")
                        .executeUpdate());
        Mailbox.line().restore();
    }

    @AfterEach
    void close() {
        ApiStatsStub.up();
        clock.reset();
    }

    @Test
    void theSummaryIsOptInAndSentOnceWithTheMonthsNumbersEvenAfterAnApiOutage() {
        String userId = member("summary");
        String token = SpotifySignIn.signIn(userId).apiToken();
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/account/mail")
                .then()
                .statusCode(200)
                .body("categories.MONTHLY_SUMMARY", equalTo(false))
                .body("categories.REAUTH", equalTo(true));
        String other = member("nosummary");
        ApiStatsStub.answer(other, new ApiStatsStub.Answers("UTC", 99, 60_000, ARTISTS, TRACKS));
        turnOnSummary(token);
        // the zone the member chose in the dashboard: api-service's
        ApiStatsStub.answer(userId, new ApiStatsStub.Answers("Pacific/Auckland", 1234, 148_500_000L, ARTISTS, TRACKS));

        // 1 March 2027, 00:30 in Auckland (still 28 February in UTC): February ended there
        Instant firstOfMarch = Instant.parse("2027-02-28T11:30:00Z");
        ApiStatsStub.down();
        clock.setTo(firstOfMarch);
        assertThat(summaries.enqueueDue(clock.instant()).waiting()).isGreaterThanOrEqualTo(1);
        assertThat(rows(userId)).isZero();

        ApiStatsStub.up();
        clock.setTo(firstOfMarch.plus(Duration.ofHours(1)));
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    summaries.enqueueDue(clock.instant());
                    return rows(userId) == 1;
                });
        summaries.enqueueDue(clock.instant().plus(Duration.ofHours(5)));
        assertThat(rows(userId)).isEqualTo(1);

        Mailbox.Received mail = awaitMails(userId, 1).get(0);
        assertThat(mail.subject()).isEqualTo("Your listening in February 2027: 1,234 plays, 41 hours 15 minutes");
        assertThat(mail.text().replace("\r\n", "\n"))
                .contains("1. Rick Astley (40 plays)")
                .contains("3. Nina Simone (20 plays)")
                .contains("1. Never Gonna Give You Up by Rick Astley (25 plays)")
                .contains("2. Running Up That Hill by Kate Bush (18 plays)")
                .contains("/mail/unsubscribe?member=" + userId + "&category=MONTHLY_SUMMARY&token=");
        assertThat(mail.html()).contains("<li>Kate Bush (30 plays)</li>");
        assertThat(mail.listUnsubscribe()).isEqualTo("<" + unsubscribeLink(mail) + ">");

        // February in Auckland, asked with a token of the member that auth-service signed for the role user
        List<ApiStatsStub.Request> requests = ApiStatsStub.requestsOf(userId);
        assertThat(requests)
                .extracting(ApiStatsStub.Request::pathAndQuery)
                .contains("/api/v1/me/stats/summary?period=custom&from=2027-02-01&to=2027-02-28")
                .contains("/api/v1/me/stats/top/artists?period=custom&from=2027-02-01&to=2027-02-28&limit=3");
        var verified = tokens.verify(requests.get(requests.size() - 1).token()).orElseThrow();
        assertThat(verified.userId()).isEqualTo(userId);
        assertThat(verified.roles()).containsExactly("user");
        // a member who did not turn the summary on is not even asked about
        assertThat(ApiStatsStub.requestsOf(other)).isEmpty();

        relay.sendDue();
        assertThat(Mailbox.of(email(userId))).hasSize(1);

        // the link in the mail turns the summary off, and nothing else
        URI link = URI.create(unsubscribeLink(mail));
        given().contentType("application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click")
                .when()
                .post(link.getRawPath() + "?" + link.getRawQuery())
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/account/mail")
                .then()
                .statusCode(200)
                .body("categories.MONTHLY_SUMMARY", equalTo(false))
                .body("categories.REAUTH", equalTo(true))
                .body("categories.IMPORTS", equalTo(true));
        clock.setTo(Instant.parse("2027-04-01T00:30:00Z"));
        summaries.enqueueDue(clock.instant());
        assertThat(rows(userId)).isEqualTo(1);
    }

    @Test
    void aMonthWithoutPlaysSendsNothingAndALateRunSkipsTheMonth() {
        String userId = member("quiet");
        turnOnSummary(SpotifySignIn.signIn(userId).apiToken());
        ApiStatsStub.answer(userId, new ApiStatsStub.Answers("UTC", 0, 0, "[]", "[]"));
        ApiStatsStub.up();

        // 1 May 2027 in UTC
        clock.setTo(Instant.parse("2027-05-01T02:00:00Z"));
        summaries.enqueueDue(clock.instant());
        summaries.enqueueDue(clock.instant());
        assertThat(rows(userId, "DROPPED")).isEqualTo(1);
        // the zone and the summary, once: the second run knows May is decided without asking
        assertThat(ApiStatsStub.requestsOf(userId)).hasSize(2);

        // 10 June: past summary-send-within (P3D) of May's end, so May is skipped rather than sent late
        ApiStatsStub.answer(userId, new ApiStatsStub.Answers("UTC", 50, 600_000, ARTISTS, TRACKS));
        clock.setTo(Instant.parse("2027-06-10T12:00:00Z"));
        summaries.enqueueDue(clock.instant());
        assertThat(rows(userId)).isEqualTo(1);
        relay.sendDue();
        assertThat(Mailbox.of(email(userId))).isEmpty();
    }

    private static void turnOnSummary(String token) {
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"categories\":{\"MONTHLY_SUMMARY\":true}}")
                .when()
                .put("/api/v1/account/mail")
                .then()
                .statusCode(200)
                .body("categories.MONTHLY_SUMMARY", equalTo(true));
    }

    private static String member(String kind) {
        String userId = SpotifySignIn.createUsers(
                        kind + UUID.randomUUID().toString().substring(0, 8), 1)
                .get(0);
        assertThat(SpotifySignIn.signIn(userId).signedIn()).isTrue();
        return userId;
    }

    private static String email(String userId) {
        return userId + "@users.emulator.test";
    }

    private static List<Mailbox.Received> awaitMails(String userId, int count) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Mailbox.of(email(userId)).size() >= count);
        return Mailbox.of(email(userId));
    }

    private static String unsubscribeLink(Mailbox.Received mail) {
        Matcher matcher = UNSUBSCRIBE.matcher(mail.text());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private long rows(String userId, String... states) {
        String sql = "SELECT count(*) FROM mail_outbox WHERE user_id = :id AND kind = 'MONTHLY_SUMMARY'"
                + (states.length == 0 ? "" : " AND state IN :states");
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = entityManager.createNativeQuery(sql).setParameter("id", userId);
            if (states.length > 0) {
                query.setParameter("states", List.of(states));
            }
            return ((Number) query.getSingleResult()).longValue();
        });
    }
}
