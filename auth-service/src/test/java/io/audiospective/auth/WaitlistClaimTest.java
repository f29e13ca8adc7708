package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.auth.repository.WaitlistRepository;
import io.audiospective.auth.rest.LoginResource;
import io.audiospective.auth.service.MailRelay;
import io.audiospective.auth.service.MembershipService;
import io.audiospective.testing.Mailbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Admission from the waitlist reserves the seat for the admitted person: the claim mail (real SMTP, GreenMail), its
 * link taking the seat while the cap is full and nobody else can, a used claim refused, and an expired claim passing
 * the seat to the next confirmed entry in line (the service's clock moved past the claim's end, the expiry job run
 * several times at once).
 */
@QuarkusTest
class WaitlistClaimTest {

    private static final Pattern CLAIM_LINK = Pattern.compile("(http://\\S+/waitlist/claim\\?\\S+)");
    private static final String CLAIM_SUBJECT = "Your founding seat at Audiospective is reserved until ";

    @Inject
    MembershipService membership;

    @Inject
    WaitlistRepository waitlist;

    @Inject
    MailRelay relay;

    @Inject
    EntityManager entityManager;

    @Inject
    OffsetClock clock;

    @ConfigProperty(name = "audiospective.auth.public-url")
    String publicUrl;

    @ConfigProperty(name = AuthTestSecrets.ADMIN_PREFIX)
    String adminPrefix;

    private String adminToken;

    @BeforeEach
    void signInTheAdminThenFillTheCap() {
        clock.reset();
        RestAssured.baseURI = "http://127.0.0.1";
        Mailbox.line().restore();
        setFreeSeats(1);
        adminToken = SpotifySignIn.signIn(
                        SpotifySignIn.createUsers(adminPrefix, 1).get(0))
                .apiToken();
        setFreeSeats(0);
    }

    @AfterEach
    void resetTheClock() {
        clock.reset();
    }

    @Test
    void theClaimLinkTakesTheReservedSeatWhileTheCapIsFullAndNobodyElseCan() {
        String email = address("claim");
        long entry = confirmedEntry(email);
        Map<String, Object> before = seats();
        assertThat(before.get("free")).isEqualTo(0);

        assertThat(membership.admit(entry)).isTrue();
        assertThat(membership.admit(entry)).isFalse();
        // one more seat, reserved for the admitted person and free to nobody else
        Map<String, Object> admitted = seats();
        assertThat(admitted.get("extra")).isEqualTo((int) before.get("extra") + 1);
        assertThat(admitted.get("reserved")).isEqualTo((int) before.get("reserved") + 1);
        assertThat(admitted.get("taken")).isEqualTo(before.get("taken"));
        assertThat(admitted.get("free")).isEqualTo(0);

        Mailbox.Received mail = awaitClaimMail(email);
        String link = claimLink(mail);
        assertThat(link).startsWith(publicUrl + "/waitlist/claim?entry=" + entry + "&token=");
        assertThat(mail.html()).contains("href=\"" + link.replace("&", "&amp;") + "\"");
        assertThat(mail.listUnsubscribe()).isNull();
        assertThat(claimState(email)).isEqualTo("OPEN");

        // the cap is full but for the reserved seat: someone signing in without the link is refused
        String outsider = newSpotifyUser("outsider");
        SpotifySignIn.Result refused = SpotifySignIn.signIn(outsider);
        assertThat(refused.signedIn()).isFalse();
        assertThat(refused.body()).contains("All founding seats are taken");
        given().when()
                .get(pathOf(link).replaceAll("token=[^&]+", "token=forged"))
                .then()
                .statusCode(400);

        // the link holder signs in with Spotify and takes the seat
        String claimant = newSpotifyUser("claimant");
        HttpClient browser = SpotifySignIn.browser();
        HttpResponse<String> followed = SpotifySignIn.visit(browser, SpotifySignIn.authBase() + pathOf(link));
        assertThat(followed.statusCode()).isEqualTo(303);
        assertThat(followed.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login/spotify"));
        SpotifySignIn.Result joined =
                SpotifySignIn.signIn(browser, claimant, SpotifySignIn.authBase() + "/login/spotify");
        assertThat(joined.signedIn()).as(joined.toString()).isTrue();
        assertThat(membership.isMember(claimant)).isTrue();
        assertThat(claimState(email)).isEqualTo("USED");
        assertThat(membership.hasFreeSeat()).isFalse();
        Map<String, Object> used = seats();
        assertThat(used.get("taken")).isEqualTo((int) before.get("taken") + 1);
        assertThat(used.get("reserved")).isEqualTo(before.get("reserved"));
        assertThat(used.get("free")).isEqualTo(0);

        // used: the link is refused, and a sign-in carrying it takes no seat
        given().when()
                .get(pathOf(link))
                .then()
                .statusCode(410)
                .contentType(containsString("application/problem+json"))
                .body(containsString("was used"));
        HttpClient replay = SpotifySignIn.browser();
        carryClaim(replay, link);
        SpotifySignIn.Result again =
                SpotifySignIn.signIn(replay, outsider, SpotifySignIn.authBase() + "/login/spotify");
        assertThat(again.signedIn()).isFalse();
        assertThat(again.body()).contains("no longer yours to claim");
        assertThat(membership.isMember(outsider)).isFalse();
    }

    @Test
    void anExpiredClaimPassesTheSeatToTheNextConfirmedEntryOnce() throws Exception {
        String first = address("expires");
        String next = address("next");
        long firstEntry = confirmedEntry(first);
        long nextEntry = confirmedEntry(next);
        // first in line whatever other tests left waiting
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE waitlist SET created_at = timestamptz '2000-01-01 00:00:00+00' WHERE id = :id")
                        .setParameter("id", nextEntry)
                        .executeUpdate());
        assertThat(membership.admit(firstEntry)).isTrue();
        String firstLink = claimLink(awaitClaimMail(first));
        assertThat(membership.passOnExpiredClaims(50)).isZero();

        clock.advance(Duration.ofDays(7).plusMinutes(1));
        // the link is dead before the job runs, and nobody can take the seat meanwhile
        given().when().get(pathOf(firstLink)).then().statusCode(410).body(containsString("expired"));
        assertThat(claimState(first)).isEqualTo("EXPIRED");

        // three replicas' jobs at once, then once more
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Integer>> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                jobs.add(() -> membership.passOnExpiredClaims(50));
            }
            int released = 0;
            for (Future<Integer> job : pool.invokeAll(jobs, 60, TimeUnit.SECONDS)) {
                released += job.get();
            }
            assertThat(released).isGreaterThanOrEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        membership.passOnExpiredClaims(50);

        WaitlistEntry expired = QuarkusTransaction.requiringNew().call(() -> waitlist.findById(firstEntry));
        assertThat(expired.claimExpiredAt).isNotNull();
        assertThat(expired.claimedAt).isNull();
        assertThat(claimState(first)).isEqualTo("EXPIRED");
        assertThat(claimState(next)).isEqualTo("OPEN");

        String nextLink = claimLink(awaitClaimMail(next));
        assertThat(nextLink).contains("entry=" + nextEntry + "&");
        relay.sendDue();
        assertThat(claimMails(next)).hasSize(1);
        assertThat(claimMails(first)).hasSize(1);
        assertThat(claimOutboxRows(nextEntry)).isEqualTo(1);

        // the next in line takes the seat with their link while the cap is full
        String claimant = newSpotifyUser("heir");
        HttpClient browser = SpotifySignIn.browser();
        assertThat(SpotifySignIn.visit(browser, SpotifySignIn.authBase() + pathOf(nextLink))
                        .statusCode())
                .isEqualTo(303);
        assertThat(SpotifySignIn.signIn(browser, claimant, SpotifySignIn.authBase() + "/login/spotify")
                        .signedIn())
                .isTrue();
        assertThat(claimState(next)).isEqualTo("USED");
    }

    private void setFreeSeats(int free) {
        // the test profile's cap is 0: the seats are the extra ones, less those taken and reserved
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE membership SET extra_seats = seats_taken + reserved_seats + :free WHERE id = 1")
                        .setParameter("free", free)
                        .executeUpdate());
    }

    private static String address(String kind) {
        return kind + "-" + UUID.randomUUID() + "@example.org";
    }

    /** A waitlist entry whose owner followed the confirmation link (that link is MemberMailTest's). */
    private long confirmedEntry(String email) {
        membership.joinWaitlist(email);
        long id = QuarkusTransaction.requiringNew()
                .call(() -> waitlist.find("email", email).firstResult().id);
        assertThat(membership.confirmWaitlist(id, address -> true)).isTrue();
        return id;
    }

    private static String newSpotifyUser(String kind) {
        return SpotifySignIn.createUsers(kind + UUID.randomUUID().toString().substring(0, 8), 1)
                .get(0);
    }

    private static List<Mailbox.Received> claimMails(String email) {
        return Mailbox.of(email).stream()
                .filter(mail -> mail.subject().startsWith(CLAIM_SUBJECT))
                .toList();
    }

    private static Mailbox.Received awaitClaimMail(String email) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !claimMails(email).isEmpty());
        List<Mailbox.Received> received = claimMails(email);
        assertThat(received).hasSize(1);
        return received.get(0);
    }

    private static String claimLink(Mailbox.Received mail) {
        Matcher matcher = CLAIM_LINK.matcher(mail.text());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private static String pathOf(String link) {
        URI uri = URI.create(link);
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }

    /** Puts the claim cookie the link sets into {@code browser}, as if it had followed the link earlier. */
    private static void carryClaim(HttpClient browser, String link) {
        Matcher parts = Pattern.compile("entry=(\\d+)&token=([^&\\s]+)").matcher(link);
        assertThat(parts.find()).isTrue();
        HttpCookie cookie = new HttpCookie(LoginResource.CLAIM_COOKIE, parts.group(1) + "." + parts.group(2));
        cookie.setPath("/login/spotify");
        cookie.setVersion(0);
        ((java.net.CookieManager) browser.cookieHandler().orElseThrow())
                .getCookieStore()
                .add(URI.create(SpotifySignIn.authBase() + "/login/spotify"), cookie);
    }

    /** The founding seats as admins see them. */
    private Map<String, Object> seats() {
        return given().auth()
                .oauth2(adminToken)
                .when()
                .get("/admin/waitlist/seats")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
    }

    /** The claim state the admin view shows for the entry of {@code email}. */
    private String claimState(String email) {
        List<Map<String, Object>> entries = given().auth()
                .oauth2(adminToken)
                .when()
                .get("/admin/waitlist")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        return (String) entries.stream()
                .filter(e -> email.equals(e.get("email")))
                .findFirst()
                .orElseThrow()
                .get("claim");
    }

    private long claimOutboxRows(long entry) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery(
                                        "SELECT count(*) FROM mail_outbox WHERE waitlist_id = :id AND kind = 'WAITLIST_CLAIM'")
                                .setParameter("id", entry)
                                .getSingleResult())
                        .longValue());
    }
}
