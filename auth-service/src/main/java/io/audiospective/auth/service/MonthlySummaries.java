package io.audiospective.auth.service;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.auth.MailCategory;
import io.audiospective.auth.MailKind;
import io.audiospective.auth.Member;
import io.audiospective.auth.client.ApiStatsClient;
import io.audiospective.auth.client.ApiStatsClient.Numbers;
import io.audiospective.auth.client.ApiStatsUnavailableException;
import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.repository.MailOutboxRepository;
import io.audiospective.auth.repository.MailPreferencesRepository;
import io.audiospective.auth.repository.MemberRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Decides the monthly summaries: each member who turned {@link MailCategory#MONTHLY_SUMMARY} on gets the previous
 * month's numbers (in the member's time zone, UTC when auth-service knows none) once, on the first run after that
 * month ended. The numbers are api-service's, asked for with a short-lived member token, and kept as the outbox row's
 * details, so the relay sends what was decided. api-service unreachable: nothing is decided for the member and the
 * next run asks again (never a mail with empty numbers). A month without plays is recorded as nothing to send.
 */
@ApplicationScoped
public class MonthlySummaries {

    private static final Logger LOG = Logger.getLogger(MonthlySummaries.class);
    /** Long enough for the three requests of one member, retries included; useless to anyone afterwards. */
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(2);

    private final MailPreferencesRepository preferences;
    private final MemberRepository members;
    private final MailOutboxRepository outbox;
    private final ApiStatsClient stats;
    private final ApiTokenService tokens;
    private final ObjectMapper json;
    private final AuthConfig config;

    MonthlySummaries(
            MailPreferencesRepository preferences,
            MemberRepository members,
            MailOutboxRepository outbox,
            ApiStatsClient stats,
            ApiTokenService tokens,
            ObjectMapper json,
            AuthConfig config) {
        this.preferences = preferences;
        this.members = members;
        this.outbox = outbox;
        this.stats = stats;
        this.tokens = tokens;
        this.json = json;
        this.config = config;
    }

    /** One run at {@code now}: the summaries enqueued, and how many members' numbers could not be had. */
    public Run enqueueDue(Instant now) {
        List<String> opted =
                QuarkusTransaction.requiringNew().call(() -> preferences.membersWhoChose(MailCategory.MONTHLY_SUMMARY));
        int enqueued = 0;
        int waiting = 0;
        for (String userId : opted) {
            Member member = QuarkusTransaction.requiringNew().call(() -> members.findById(userId));
            if (member == null || member.email == null) {
                continue;
            }
            ZoneId zone = zoneOf(member);
            LocalDate firstOfThisMonth = now.atZone(zone).toLocalDate().withDayOfMonth(1);
            Instant monthEnded = firstOfThisMonth.atStartOfDay(zone).toInstant();
            if (now.isAfter(monthEnded.plus(config.mail().summarySendWithin()))) {
                continue;
            }
            YearMonth month = YearMonth.from(firstOfThisMonth).minusMonths(1);
            String key = MailKind.MONTHLY_SUMMARY + ":" + userId + ":" + month;
            if (QuarkusTransaction.requiringNew().call(() -> outbox.decided(key))) {
                continue;
            }
            Numbers numbers;
            try {
                // outside any transaction: no row or connection is held while api-service answers
                String token = tokens.issueForOwnCall(userId, TOKEN_LIFETIME).token();
                numbers = stats.numbers(token, month.atDay(1), month.atEndOfMonth());
            } catch (ApiStatsUnavailableException | FaultToleranceException e) {
                waiting++;
                continue;
            }
            if (decide(userId, key, month, zone, monthEnded, numbers, now)) {
                enqueued++;
            }
        }
        if (waiting > 0) {
            LOG.warnf("api-service's statistics out of reach: %d monthly summaries wait for the next run", waiting);
        }
        return new Run(enqueued, waiting);
    }

    private boolean decide(
            String userId, String key, YearMonth month, ZoneId zone, Instant monthEnded, Numbers numbers, Instant now) {
        if (numbers.plays() == 0) {
            QuarkusTransaction.requiringNew()
                    .run(() -> outbox.recordNothingToSend(
                            MailKind.MONTHLY_SUMMARY, userId, key, monthEnded, "no plays", now));
            return false;
        }
        String details = encode(new Summary(
                month.toString(),
                zone.getId(),
                numbers.plays(),
                numbers.ms(),
                numbers.topArtists(),
                numbers.topTracks()));
        // the member may have turned it off while api-service answered
        return QuarkusTransaction.requiringNew()
                .call(() -> preferences.wants(userId, MailCategory.MONTHLY_SUMMARY)
                        && outbox.enqueueIfMember(MailKind.MONTHLY_SUMMARY, userId, key, monthEnded, details, now));
    }

    private String encode(Summary summary) {
        try {
            return json.writeValueAsString(summary);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a summary of strings and numbers always encodes", e);
        }
    }

    /** The summary as decided: the outbox row's details, which the relay renders. */
    public Summary decode(String details) {
        try {
            return json.readValue(details, Summary.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the outbox holds a summary this service wrote", e);
        }
    }

    static ZoneId zoneOf(Member member) {
        try {
            return member.timeZone == null ? ZoneOffset.UTC : ZoneId.of(member.timeZone);
        } catch (DateTimeException unknown) {
            return ZoneOffset.UTC;
        }
    }

    /** A run's outcome: summaries enqueued, members whose numbers api-service did not give (asked again later). */
    public record Run(int enqueued, int waiting) {}

    /**
     * A month's summary: {@code month} as yyyy-MM in {@code timeZone}, plays, listening time in milliseconds, the top
     * artists and tracks.
     */
    public record Summary(
            String month,
            String timeZone,
            long plays,
            long ms,
            List<ApiStatsClient.Ranked> topArtists,
            List<ApiStatsClient.Ranked> topTracks) {}
}
