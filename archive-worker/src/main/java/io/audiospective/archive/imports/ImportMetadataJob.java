package io.audiospective.archive.imports;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.archive.client.RateLimitedException;
import io.audiospective.archive.client.SpotifyClient;
import io.audiospective.archive.client.SpotifyRateBudget;
import io.audiospective.archive.client.TransientFailureException;
import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.archive.repository.CatalogueRepository;
import io.audiospective.archive.repository.ImportPendingRepository;
import io.audiospective.archive.service.AccessTokenCache;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.TrackRef;
import io.audiospective.support.BeforeSchemaMigrated;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Completes the catalogue for imports, at low priority: only while the shared rate budget has spare capacity, so live
 * polling and sign-in are never starved, and through {@code budget.acquire()} like every Spotify call. Two kinds of
 * tracks are looked up, each once:
 * <ul>
 * <li>tracks known only from a file (metadata FILE): their plays are archived already, under the file's names; once
 * Spotify describes the track they are published again complete ({@link ImportArchiver#publishDescribed}), and a track
 * Spotify does not know (400/404) keeps the file's names for good;</li>
 * <li>tracks of entries whose file does not name them: those wait unarchived in {@code import_pending} and count as
 * failed when Spotify does not know the track.</li>
 * </ul>
 * With the batch endpoints (extended quota) up to 50 tracks cost one call; in development mode one call per track.
 * A 429 pauses every worker through the budget; 5xx and timeouts leave the tracks for a later round. Every look-up
 * uses the app's own token (client credentials), never a member's: a batch mixes tracks of several members' imports.
 * Without an app token nothing is looked up and the tracks wait.
 */
@ApplicationScoped
public class ImportMetadataJob {

    private static final Logger LOG = Logger.getLogger(ImportMetadataJob.class);
    private static final int UNNAMED_TRACKS_PER_ROUND = 20;
    private static final int FILE_TRACKS_PER_CLAIM = 50;
    private static final int RESOLVE_BATCH = 5_000;
    private static final int DESCRIBED_TRACKS_PER_TRANSACTION = 500;
    /** A claimed track not looked up within this (the worker died) may be claimed again. */
    private static final Duration CLAIM_LEASE = Duration.ofMinutes(5);

    private static final int BATCH_ENDPOINT_IDS = 50;

    private final ImportPendingRepository pending;
    private final ImportArchiver archiver;
    private final CatalogueRepository catalogue;
    private final SpotifyClient spotify;
    private final SpotifyRateBudget budget;
    private final AccessTokenCache accessTokens;
    private final ImportProgressPublisher progress;
    private final ArchiveConfig config;

    ImportMetadataJob(
            ImportPendingRepository pending,
            ImportArchiver archiver,
            CatalogueRepository catalogue,
            SpotifyClient spotify,
            SpotifyRateBudget budget,
            AccessTokenCache accessTokens,
            ImportProgressPublisher progress,
            ArchiveConfig config) {
        this.pending = pending;
        this.archiver = archiver;
        this.catalogue = catalogue;
        this.spotify = spotify;
        this.budget = budget;
        this.accessTokens = accessTokens;
        this.progress = progress;
        this.config = config;
    }

    @Scheduled(
            every = "${audiospective.archive.import-metadata-interval:PT5S}",
            delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void round() {
        try {
            describeFileTracks();
            describeUnnamedTracks();
        } catch (RateLimitedException e) {
            LOG.infof("Import metadata paused: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            // what was not described is tried again next round
            LOG.infof("Import metadata not fetched this round: %s", e.toString());
        }
        List<ImportProgress> reports;
        do {
            reports = archiver.resolvePending(RESOLVE_BATCH);
            progress.publish(reports);
        } while (!reports.isEmpty());
        do {
            reports = archiver.publishDescribed(DESCRIBED_TRACKS_PER_TRANSACTION, config.importUnmatchedSettle());
            progress.publish(reports);
        } while (!reports.isEmpty());
    }

    /** Claims tracks known only from files and describes them while the budget has room; releases the rest. */
    private void describeFileTracks() throws InterruptedException {
        while (budget.hasSpareCapacity()) {
            List<String> claimed = QuarkusTransaction.requiringNew()
                    .call(() -> catalogue.claimFileTracks(FILE_TRACKS_PER_CLAIM, CLAIM_LEASE));
            if (claimed.isEmpty()) {
                return;
            }
            List<String> left = new ArrayList<>(claimed);
            try {
                while (!left.isEmpty() && budget.hasSpareCapacity()) {
                    int n = config.spotify().batchEndpoints() ? Math.min(BATCH_ENDPOINT_IDS, left.size()) : 1;
                    describe(List.copyOf(left.subList(0, n)));
                    left.subList(0, n).clear();
                }
            } finally {
                if (!left.isEmpty()) {
                    List<String> ids = List.copyOf(left);
                    QuarkusTransaction.requiringNew().run(() -> catalogue.releaseClaims(ids));
                }
            }
        }
    }

    /** One Spotify call for these tracks (one, or up to 50 with the batch endpoint). */
    private void describe(List<String> ids) throws InterruptedException {
        String token = appToken();
        budget.acquire();
        Map<String, TrackRef> found;
        if (ids.size() == 1) {
            found = spotify.track(ids.get(0), token)
                    .map(track -> Map.of(ids.get(0), track))
                    .orElse(Map.of());
        } else {
            found = spotify.tracks(ids, token);
        }
        List<TrackRef> described = found.entrySet().stream()
                .map(e -> asId(e.getValue(), e.getKey()))
                .toList();
        List<String> unknown = ids.stream().filter(id -> !found.containsKey(id)).toList();
        List<ImportProgress> reports = QuarkusTransaction.requiringNew().call(() -> {
            if (!described.isEmpty()) {
                catalogue.upsert(described);
            }
            List<ImportProgress> failed = new ArrayList<>();
            unknown.forEach(id -> failed.addAll(archiver.unavailableTrack(id)));
            return failed;
        });
        progress.publish(reports);
    }

    /** Tracks of entries whose file does not name them: looked up one by one, as before they can be archived. */
    private void describeUnnamedTracks() throws InterruptedException {
        List<String> missing =
                QuarkusTransaction.requiringNew().call(() -> pending.missingTracks(UNNAMED_TRACKS_PER_ROUND));
        for (String trackId : missing) {
            if (!budget.hasSpareCapacity()) {
                return;
            }
            String token = appToken();
            budget.acquire();
            Optional<TrackRef> track = spotify.track(trackId, token);
            if (track.isPresent()) {
                QuarkusTransaction.requiringNew().run(() -> catalogue.upsert(List.of(asId(track.get(), trackId))));
            } else {
                progress.publish(QuarkusTransaction.requiringNew().call(() -> archiver.unavailableTrack(trackId)));
            }
        }
    }

    /** The app token; without one the round stops here and what was not described waits for a later round. */
    private String appToken() {
        return accessTokens.appToken().orElseThrow(() -> new TransientFailureException("no app token"));
    }

    /**
     * The track under the id it was asked for: Spotify may answer with a relinked track of another id, and the plays
     * and the catalogue know it by the id of the file.
     */
    private static TrackRef asId(TrackRef track, String id) {
        return track.id().equals(id)
                ? track
                : new TrackRef(id, track.name(), track.durationMs(), track.isrc(), track.album(), track.artists());
    }
}
