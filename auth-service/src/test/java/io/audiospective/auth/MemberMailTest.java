package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.auth.service.AccessTokenService;
import io.audiospective.auth.service.MailRelay;
import io.audiospective.auth.service.MemberMails;
import io.audiospective.auth.service.MembershipService;
import io.audiospective.testing.Mailbox;
import io.audiospective.testing.TcpForwarder;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The member mails against a real SMTP server (GreenMail), read back over IMAP: the reconnect reminders at 30, 7 and
 * 1 days before the Spotify authorisation runs out (the service's clock moved forward through them), the
 * NEEDS_REAUTH notice, unsubscribing, an SMTP outage and several relays at once.
 */
@QuarkusTest
class MemberMailTest {

    private static final Pattern UNSUBSCRIBE = Pattern.compile("(http://\\S+/mail/unsubscribe\\?\\S+)");

    @Inject
    MemberMails mails;

    @Inject
    MailRelay relay;

    @Inject
    AccessTokenService accessTokens;

    @Inject
    MembershipService membership;

    @Inject
    EntityManager entityManager;

    @Inject
    OffsetClock clock;

    @ConfigProperty(name = "audiospective.auth.public-url")
    String publicUrl;

    private TcpForwarder smtp;

    @BeforeEach
    void openTheLineToTheSmtpServer() {
        clock.reset();
        RestAssured.baseURI = "http://127.0.0.1";
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE membership SET extra_seats = seats_taken + reserved_seats + 12 WHERE id = 1")
                        .executeUpdate());
        smtp = Mailbox.line();
        smtp.restore();
    }

    @AfterEach
    void resetTheClock() {
        smtp.restore();
        clock.reset();
    }

    /** Moves the service's clock to {@code instant} and runs the reminder scan there, as its scheduled job would. */
    private int remindAt(Instant instant) {
        clock.setTo(instant);
        return mails.enqueueDueReminders(clock.instant());
    }

    @Test
    void eachReminderIsSentOnceAtItsThresholdWithTheReconnectAndUnsubscribeLinks() {
        String userId = member("remind");
        // the authorisation runs out 40 days from now; the scan is run at instants moving towards that date
        Instant expiry = expireIn(userId, Duration.ofDays(40));

        assertThat(remindAt(expiry.minus(31, ChronoUnit.DAYS))).isZero();
        assertThat(outboxRows(userId)).isZero();

        assertThat(remindAt(expiry.minus(30, ChronoUnit.DAYS))).isGreaterThanOrEqualTo(1);
        List<Mailbox.Received> received = awaitMails(userId, 1);
        Mailbox.Received first = received.get(0);
        assertThat(first.subject()).startsWith("Reconnect Spotify by ");
        assertThat(first.text())
                .contains(publicUrl + "/login/spotify")
                .contains(publicUrl + "/mail/unsubscribe?member=" + userId + "&category=REAUTH&token=");
        assertThat(first.html()).contains("href=\"" + publicUrl + "/login/spotify\"");
        assertThat(first.listUnsubscribe()).isEqualTo("<" + unsubscribeLink(first) + ">");
        keepAsExample(first);

        // the following scans before the next threshold decide nothing new, and nothing is sent twice
        for (int day : List.of(29, 20, 8)) {
            remindAt(expiry.minus(day, ChronoUnit.DAYS));
        }
        assertThat(outboxRows(userId)).isEqualTo(1);

        remindAt(expiry.minus(7, ChronoUnit.DAYS));
        remindAt(expiry.minus(6, ChronoUnit.DAYS));
        awaitMails(userId, 2);
        remindAt(expiry.minus(1, ChronoUnit.DAYS));
        remindAt(expiry.minus(2, ChronoUnit.HOURS));
        // past the expiry no reminder is due any more (the NEEDS_REAUTH notice takes over)
        // (the scheduled expiry check may mark the member NEEDS_REAUTH on the moved clock and send that notice: it is
        // another kind of mail, so only the reminders are counted)
        assertThat(remindAt(expiry.plus(1, ChronoUnit.HOURS))).isZero();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> reminders(userId).size() >= 3);

        assertThat(reminderRows(userId, "PENDING", "SENT", "DROPPED")).isEqualTo(3);
        assertThat(reminderRows(userId, "SENT")).isEqualTo(3);
        relay.sendDue();
        assertThat(reminders(userId))
                .hasSize(3)
                .allSatisfy(mail -> assertThat(mail.text()).contains(publicUrl + "/login/spotify"));
    }

    @Test
    void aLateScanSendsOnlyTheClosestThreshold() {
        String userId = member("late");
        Instant expiry = expireIn(userId, Duration.ofDays(40));

        // the service was down from before the 30-day mark to 5 days before: one reminder, not two
        remindAt(expiry.minus(5, ChronoUnit.DAYS));

        awaitMails(userId, 1);
        assertThat(outboxRows(userId)).isEqualTo(1);
    }

    @Test
    void theNeedsReauthNoticeIsSentOnceWithTheReconnectLink() {
        String userId = member("lapsed");
        expireIn(userId, Duration.ofDays(-1));

        accessTokens.expireAuthorisations();
        accessTokens.expireAuthorisations();

        List<Mailbox.Received> received = awaitMails(userId, 1);
        assertThat(received.get(0).subject()).contains("stopped recording");
        assertThat(received.get(0).text()).contains(publicUrl + "/login/spotify");
        assertThat(outboxRows(userId)).isEqualTo(1);
    }

    @Test
    void unsubscribingStopsThatKindOfMail() {
        String userId = member("unsub");
        Instant expiry = expireIn(userId, Duration.ofDays(40));
        remindAt(expiry.minus(30, ChronoUnit.DAYS));
        String link = unsubscribeLink(awaitMails(userId, 1).get(0));
        URI uri = URI.create(link);
        String path = uri.getRawPath() + "?" + uri.getRawQuery();

        // a tampered link is refused; opening the real one only asks (mail scanners open links)
        given().when()
                .get(path.replaceAll("token=[^&]+", "token=forged"))
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"));
        given().when().get(path).then().statusCode(200).body(containsString("<form method=\"post\""));
        assertThat(mails.wanted(userId)).containsEntry(MailCategory.REAUTH, true);
        // the one-click POST of RFC 8058, as a mail client sends it
        given().contentType("application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click")
                .when()
                .post(path)
                .then()
                .statusCode(200)
                .body(containsString("Unsubscribed"));
        assertThat(mails.wanted(userId))
                .containsEntry(MailCategory.REAUTH, false)
                .containsEntry(MailCategory.IMPORTS, true);

        remindAt(expiry.minus(7, ChronoUnit.DAYS));
        expireIn(userId, Duration.ofDays(-1));
        accessTokens.expireAuthorisations();
        assertThat(outboxRows(userId)).isEqualTo(1);
        relay.sendDue();
        assertThat(Mailbox.of(email(userId))).hasSize(1);
    }

    @Test
    void theSettingsApiTurnsACategoryOffAndOn() {
        String userId = member("settings");
        String token = SpotifySignIn.signIn(userId).apiToken();
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/account/mail")
                .then()
                .statusCode(200)
                .body("address", equalTo(email(userId)))
                .body("categories.REAUTH", equalTo(true));
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"categories\":{\"REAUTH\":false}}")
                .when()
                .put("/api/v1/account/mail")
                .then()
                .statusCode(200)
                .body("categories.REAUTH", equalTo(false));
        Instant expiry = expireIn(userId, Duration.ofDays(40));
        remindAt(expiry.minus(30, ChronoUnit.DAYS));
        assertThat(outboxRows(userId)).isZero();

        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"categories\":{\"REAUTH\":true}}")
                .when()
                .put("/api/v1/account/mail")
                .then()
                .statusCode(200)
                .body("categories.REAUTH", equalTo(true));
        remindAt(expiry.minus(30, ChronoUnit.DAYS));
        awaitMails(userId, 1);
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"categories\":{\"NEWSLETTER\":true}}")
                .when()
                .put("/api/v1/account/mail")
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"));
    }

    @Test
    void theWaitlistMailsAConfirmationLinkAndAdmitsOnlyConfirmedAddresses() {
        String email = "fan-" + UUID.randomUUID() + "@example.org";
        membership.joinWaitlist(email);
        membership.joinWaitlist(email);
        long entry = QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery("SELECT id FROM waitlist WHERE email = :email")
                                .setParameter("email", email)
                                .getSingleResult())
                        .longValue());
        assertThat(membership.admit(entry)).isFalse();

        await().atMost(Duration.ofSeconds(30)).until(() -> !Mailbox.of(email).isEmpty());
        List<Mailbox.Received> received = Mailbox.of(email);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).subject()).contains("Confirm your address");
        assertThat(received.get(0).listUnsubscribe()).isNull();
        Matcher link = Pattern.compile("(http://\\S+/waitlist/confirm\\?\\S+)")
                .matcher(received.get(0).text());
        assertThat(link.find()).isTrue();
        assertThat(link.group(1)).startsWith(publicUrl + "/waitlist/confirm?entry=" + entry + "&token=");
        URI uri = URI.create(link.group(1));
        String path = uri.getRawPath() + "?" + uri.getRawQuery();

        given().when()
                .get(path.replaceAll("token=[^&]+", "token=forged"))
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"));
        assertThat(membership.admit(entry)).isFalse();
        given().when().get(path).then().statusCode(200).body(containsString("Address confirmed"));
        assertThat(membership.admit(entry)).isTrue();
    }

    @Test
    void anSmtpOutageDelaysTheMailsAndLosesNone() {
        List<String> userIds = List.of(member("outage"), member("outage"), member("outage"));
        smtp.interrupt();
        Instant now = Instant.now();
        for (String userId : userIds) {
            expireIn(userId, Duration.ofDays(40));
        }
        remindAt(now.plus(10, ChronoUnit.DAYS));

        // the relay keeps trying while the server is out of reach; nothing arrives and nothing is given up
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(failedAttempts(userIds)).isGreaterThanOrEqualTo(3));
        assertThat(userIds).allSatisfy(userId -> {
            assertThat(sentRows(userId)).isZero();
            assertThat(Mailbox.of(email(userId))).isEmpty();
        });

        smtp.restore();
        for (String userId : userIds) {
            awaitMails(userId, 1);
        }
        assertThat(userIds).allSatisfy(userId -> assertThat(sentRows(userId)).isEqualTo(1));
    }

    @Test
    void relaysRacingEachOtherSendEachMailOnce() throws Exception {
        List<String> userIds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            userIds.add(member("race"));
        }
        // held back until every relay is ready (the failed attempts made due again), then four relays and the
        // scheduled one compete for the rows
        smtp.interrupt();
        for (String userId : userIds) {
            expireIn(userId, Duration.ofDays(40));
        }
        remindAt(Instant.now().plus(10, ChronoUnit.DAYS));
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE mail_outbox SET next_attempt_at = now() - interval '1 day' WHERE state = 'PENDING'")
                        .executeUpdate());
        smtp.restore();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> relays = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                relays.add(pool.submit(() -> {
                    while (userIds.stream().anyMatch(userId -> sentRows(userId) == 0)) {
                        relay.sendDue();
                    }
                }));
            }
            for (Future<?> running : relays) {
                running.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (String userId : userIds) {
            assertThat(awaitMails(userId, 1)).hasSize(1);
        }
        relay.sendDue();
        assertThat(userIds)
                .allSatisfy(userId -> assertThat(Mailbox.of(email(userId))).hasSize(1));
    }

    private static String member(String kind) {
        String userId = SpotifySignIn.createUsers(
                        kind + UUID.randomUUID().toString().substring(0, 8), 1)
                .get(0);
        assertThat(SpotifySignIn.signIn(userId).signedIn()).isTrue();
        return userId;
    }

    /** The emulator's address of the user, which Spotify's profile gave auth-service at sign-in. */
    private static String email(String userId) {
        return userId + "@users.emulator.test";
    }

    /** Moves the member's authorisation so that it runs out {@code left} from now; returns that instant. */
    private Instant expireIn(String userId, Duration left) {
        Instant expiry = Instant.now().plus(left).truncatedTo(ChronoUnit.SECONDS);
        Instant authorizedAt = expiry.minus(182, ChronoUnit.DAYS);
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery("UPDATE members SET authorized_at = :at WHERE spotify_user_id = :id")
                        .setParameter("at", java.sql.Timestamp.from(authorizedAt))
                        .setParameter("id", userId)
                        .executeUpdate());
        return expiry;
    }

    private List<Mailbox.Received> awaitMails(String userId, int count) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Mailbox.of(email(userId)).size() >= count);
        List<Mailbox.Received> received = Mailbox.of(email(userId));
        assertThat(received).hasSize(count);
        return received;
    }

    /** The reminder as received, for the README's example (target/mail-examples). */
    private static void keepAsExample(Mailbox.Received mail) {
        try {
            java.nio.file.Path examples = java.nio.file.Path.of("target", "mail-examples");
            java.nio.file.Files.createDirectories(examples);
            java.nio.file.Files.writeString(
                    examples.resolve("reauth-reminder.txt"), "Subject: " + mail.subject() + "\n\n" + mail.text());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String unsubscribeLink(Mailbox.Received mail) {
        Matcher matcher = UNSUBSCRIBE.matcher(mail.text());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private long outboxRows(String userId) {
        return count("SELECT count(*) FROM mail_outbox WHERE user_id = :id", userId);
    }

    private long reminderRows(String userId, String... states) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery("SELECT count(*) FROM mail_outbox WHERE user_id = :id"
                                        + " AND kind = 'REAUTH_REMINDER' AND state IN :states")
                                .setParameter("id", userId)
                                .setParameter("states", List.of(states))
                                .getSingleResult())
                        .longValue());
    }

    private List<Mailbox.Received> reminders(String userId) {
        return Mailbox.of(email(userId)).stream()
                .filter(mail -> mail.subject().startsWith("Reconnect Spotify by "))
                .toList();
    }

    private long sentRows(String userId) {
        return count("SELECT count(*) FROM mail_outbox WHERE user_id = :id AND state = 'SENT'", userId);
    }

    private long failedAttempts(List<String> userIds) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery(
                                        "SELECT coalesce(sum(attempts), 0) FROM mail_outbox WHERE user_id IN :ids")
                                .setParameter("ids", userIds)
                                .getSingleResult())
                        .longValue());
    }

    private long count(String sql, String userId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery(sql)
                                .setParameter("id", userId)
                                .getSingleResult())
                        .longValue());
    }
}
