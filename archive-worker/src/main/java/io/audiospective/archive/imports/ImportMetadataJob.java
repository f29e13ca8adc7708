package io.audiospective.archive.imports;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.archive.client.RateLimitedException;
import io.audiospective.archive.client.SpotifyClient;
import io.audiospective.archive.client.SpotifyRateBudget;
import io.audiospective.archive.repository.CatalogueRepository;
import io.audiospective.archive.service.AccessTokenCache;
import io.audiospective.model.TrackRef;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Completes imported entries whose track was not in the catalogue: per-id {@code GET /v1/tracks/{id}} at low
 * priority (only while the shared rate budget has spare capacity, so live polling is never starved), then archives
 * the waiting entries. A 429 pauses every worker through the budget; the entries simply wait, none is dropped.
 * Tracks Spotify does not know (400/404) make their entries count as failed.
 */
@ApplicationScoped
public class ImportMetadataJob {

    private static final Logger LOG = Logger.getLogger(ImportMetadataJob.class);
    private static final int TRACKS_PER_ROUND = 20;
    private static final int RESOLVE_BATCH = 5_000;

    private final ImportRepository imports;
    private final ImportArchiver archiver;
    private final CatalogueRepository catalogue;
    private final SpotifyClient spotify;
    private final SpotifyRateBudget budget;
    private final AccessTokenCache accessTokens;
    private final ImportProgressPublisher progress;

    ImportMetadataJob(ImportRepository imports, ImportArchiver archiver, CatalogueRepository catalogue,
            SpotifyClient spotify, SpotifyRateBudget budget, AccessTokenCache accessTokens,
            ImportProgressPublisher progress) {
        this.imports = imports;
        this.archiver = archiver;
        this.catalogue = catalogue;
        this.spotify = spotify;
        this.budget = budget;
        this.accessTokens = accessTokens;
        this.progress = progress;
    }

    @Scheduled(every = "${audiospective.archive.import-metadata-interval:PT5S}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void round() {
        fetchSome();
        List<?> reports;
        do {
            var batch = archiver.resolvePending(RESOLVE_BATCH);
            progress.publish(batch);
            reports = batch;
        } while (!reports.isEmpty());
    }

    private void fetchSome() {
        List<Object[]> missing = QuarkusTransaction.requiringNew().call(() -> imports.missingTracks(TRACKS_PER_ROUND));
        for (Object[] row : missing) {
            if (!budget.hasSpareCapacity()) {
                return;
            }
            String trackId = (String) row[0];
            try {
                budget.acquire();
                String token = accessTokens.accessToken((String) row[1]);
                Optional<TrackRef> track = spotify.track(trackId, token);
                if (track.isPresent()) {
                    QuarkusTransaction.requiringNew().run(() -> catalogue.upsert(List.of(track.get())));
                } else {
                    progress.publish(archiver.failTrack(trackId));
                }
            } catch (RateLimitedException e) {
                LOG.infof("Import metadata paused: %s", e.getMessage());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // the entries stay pending and are tried again next round
                LOG.infof("Import metadata not fetched this round: %s", e.toString());
                return;
            }
        }
    }
}
