package io.audiospective.archive.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import io.audiospective.archive.client.ExpiredAccessTokenException;
import io.audiospective.archive.client.PollFailedException;
import io.audiospective.archive.client.RateLimitedException;
import io.audiospective.archive.client.RecentlyPlayedPage;
import io.audiospective.archive.client.SpotifyClient;
import io.audiospective.archive.client.SpotifyRateBudget;
import io.audiospective.archive.client.TransientFailureException;
import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.archive.repository.PolledPageRepository;
import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.FailureKind;
import io.audiospective.model.PlayEvent;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Polls one user: claims the poll's idempotency key, fetches the latest 50 plays (all of them, whatever the
 * cursor says, since Spotify delivers some late), archives the new ones and reports the outcome. Every failure
 * becomes an outcome; nothing escapes to fail the batch.
 */
@ApplicationScoped
public class UserPoller {

    private static final Logger LOG = Logger.getLogger(UserPoller.class);
    private static final int MAX_RATE_LIMIT_ROUNDS = 3;

    private final IdempotencyKeys idempotency;
    private final AccessTokenCache accessTokens;
    private final SpotifyClient spotify;
    private final SpotifyRateBudget budget;
    private final ArchiveWriter writer;
    private final ArchiveConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;

    UserPoller(
            IdempotencyKeys idempotency,
            AccessTokenCache accessTokens,
            SpotifyClient spotify,
            SpotifyRateBudget budget,
            ArchiveWriter writer,
            ArchiveConfig config,
            Clock clock,
            MeterRegistry metrics) {
        this.idempotency = idempotency;
        this.accessTokens = accessTokens;
        this.spotify = spotify;
        this.budget = budget;
        this.writer = writer;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The poll's outcome, or null when the poll was skipped (done already, or another worker has it). */
    public ArchiveOutcome poll(ArchiveBatch batch, String userId) {
        String key = idempotency.key(batch, userId);
        if (!idempotency.begin(key)) {
            metrics.counter("archive.polls", "outcome", "SKIPPED").increment();
            return null;
        }
        ArchiveOutcome outcome;
        try {
            outcome = archive(batch, userId);
            idempotency.done(key);
        } catch (PollFailedException e) {
            outcome = failure(batch, userId, e.kind(), e.retryAfterSeconds(), e.getMessage());
            idempotency.release(key);
        } catch (TransientFailureException | TimeoutException | CircuitBreakerOpenException | BulkheadException e) {
            outcome = failure(batch, userId, FailureKind.NETWORK, null, describe(e));
            idempotency.release(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = failure(batch, userId, FailureKind.UNKNOWN, null, "interrupted");
            idempotency.release(key);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Polling user %s failed unexpectedly", userId);
            outcome = failure(batch, userId, FailureKind.UNKNOWN, null, describe(e));
            idempotency.release(key);
        }
        metrics.counter(
                        "archive.polls",
                        "outcome",
                        outcome.succeeded() ? "OK" : outcome.failureKind().name())
                .increment();
        return outcome;
    }

    private ArchiveOutcome archive(ArchiveBatch batch, String userId) throws InterruptedException {
        RecentlyPlayedPage page = fetch(userId);
        Instant now = clock.instant();
        List<PlayEvent> plays = page.plays(userId);
        PolledPageRepository.Archived written = writer.write(userId, plays, page.newestPlayedAt(), now);
        metrics.counter("archive.plays.archived").increment(written.newPlays().size());
        boolean gap = page.full()
                && written.previousNewest() != null
                && page.oldestPlayedAt().isAfter(written.previousNewest());
        if (gap) {
            metrics.counter("archive.gaps").increment();
            LOG.infof(
                    "User %s: the full page starts after the newest archived play, plays may have been missed", userId);
        }
        Instant newest = page.newestPlayedAt();
        boolean listening = newest != null && newest.isAfter(now.minus(config.listeningWindow()));
        return ArchiveOutcome.success(
                batch.batchId(),
                userId,
                batch.scheduledFor(),
                now,
                written.newPlays().size(),
                page.full(),
                gap,
                listening);
    }

    /** Recently-played, waiting out short 429 pauses shared by all workers, with one token renewal on 401. */
    private RecentlyPlayedPage fetch(String userId) throws InterruptedException {
        boolean renewedToken = false;
        int rateLimitRounds = 0;
        while (true) {
            String accessToken = null;
            try {
                budget.acquire();
                accessToken = accessTokens.accessToken(userId);
                return spotify.recentlyPlayed(accessToken);
            } catch (ExpiredAccessTokenException e) {
                accessTokens.rejected(userId, accessToken);
                if (renewedToken) {
                    throw new PollFailedException(FailureKind.AUTH, null, "Spotify refuses fresh access tokens");
                }
                renewedToken = true;
            } catch (RateLimitedException e) {
                if (++rateLimitRounds > MAX_RATE_LIMIT_ROUNDS
                        || e.quotaExceeded()
                        || e.retryAfter().compareTo(config.spotify().maxRateLimitWait()) > 0) {
                    throw new PollFailedException(
                            FailureKind.RATE_LIMITED, e.retryAfter().toSeconds(), e.getMessage());
                }
            }
        }
    }

    private ArchiveOutcome failure(
            ArchiveBatch batch, String userId, FailureKind kind, Long retryAfter, String detail) {
        return ArchiveOutcome.failure(
                batch.batchId(), userId, batch.scheduledFor(), clock.instant(), kind, retryAfter, detail);
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
