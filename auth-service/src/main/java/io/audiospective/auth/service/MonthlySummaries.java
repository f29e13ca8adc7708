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
 * month's numbers once, on the first run after that month ended in the member's time zone. The zone is api-service's
 * (the one the member chose for their statistics in the dashboard; auth-service's own {@code members.time_zone} is
 * rarely set), UTC when neither knows one. The numbers are api-service's, asked for with a short-lived member token, and kept as the outbox row's
 * details, so the relay sends what was decided. api-service unreachable: nothing is decided for the member and the
 * next run asks again (never a mail with empty numbers). A month without plays is recorded as nothing to send.
 */
@ApplicationScoped
public class MonthlySummaries {

    private static final Logger LOG = Logger.getLogger(MonthlySummaries.class);
    /** Long enough for the three requests of one member, retries included; useless to anyone afterwards. */
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(2);
    /** The first and the last zone on earth to reach a new month. */
    private static final ZoneOffset EARLIEST = ZoneOffset.ofHours(14);

    private static final ZoneOffset LATEST = ZoneOffset.ofHours(-12);

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
            if (member == null || member.email == null || !mayBeDue(userId, now)) {
                continue;
            }
            try {
                // outside any transaction: no row or connection is held while api-service answers
                String token = tokens.issueForOwnCall(userId, TOKEN_LIFETIME).token();
                if (decideFor(member, token, now)) {
                    enqueued++;
                }
            } catch (ApiStatsUnavailableException | FaultToleranceException e) {
                waiting++;
            }
        }
        if (waiting > 0) {
            LOG.warnf("api-service out of reach: %d monthly summaries wait for the next run", waiting);
        }
        return new Run(enqueued, waiting);
    }

    /**
     * Whether some zone's previous month is still to be decided for the member within its send window: the zones on
     * earth are between UTC-12 and UTC+14, so without asking api-service for the member's zone this leaves out the
     * members whose summary was decided and everyone outside the first days of a month.
     */
    private boolean mayBeDue(String userId, Instant now) {
        for (ZoneOffset edge : List.of(EARLIEST, LATEST)) {
            YearMonth month = YearMonth.from(now.atOffset(edge)).minusMonths(1);
            Instant lastEnd = month.plusMonths(1).atDay(1).atStartOfDay(LATEST).toInstant();
            if (!now.isAfter(lastEnd.plus(config.mail().summarySendWithin()))
                    && !QuarkusTransaction.requiringNew().call(() -> outbox.decided(key(userId, month)))) {
                return true;
            }
        }
        return false;
    }

    /** The member's previous month in their zone (api-service's, which their statistics use), if due. */
    private boolean decideFor(Member member, String token, Instant now) {
        ZoneId zone = zoneOf(stats.timeZone(token), member);
        LocalDate firstOfThisMonth = now.atZone(zone).toLocalDate().withDayOfMonth(1);
        Instant monthEnded = firstOfThisMonth.atStartOfDay(zone).toInstant();
        if (now.isAfter(monthEnded.plus(config.mail().summarySendWithin()))) {
            return false;
        }
        YearMonth month = YearMonth.from(firstOfThisMonth).minusMonths(1);
        String key = key(member.spotifyUserId, month);
        if (QuarkusTransaction.requiringNew().call(() -> outbox.decided(key))) {
            return false;
        }
        Numbers numbers = stats.numbers(token, month.atDay(1), month.atEndOfMonth());
        return decide(member.spotifyUserId, key, month, zone, monthEnded, numbers, now);
    }

    private static String key(String userId, YearMonth month) {
        return MailKind.MONTHLY_SUMMARY + ":" + userId + ":" + month;
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

    /** api-service's zone of the member; else the one auth-service has (rarely any); else UTC. */
    static ZoneId zoneOf(String apiZone, Member member) {
        for (String zone : new String[] {apiZone, member.timeZone}) {
            if (zone != null) {
                try {
                    return ZoneId.of(zone);
                } catch (DateTimeException unknown) {
                    // the next one
                }
            }
        }
        return ZoneOffset.UTC;
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
