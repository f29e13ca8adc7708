package io.audiospective.archive.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.archive.client.ArtistDetails;
import io.audiospective.archive.client.SpotifyClient;
import io.audiospective.archive.client.SpotifyRateBudget;
import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.archive.repository.CatalogueRepository;
import io.audiospective.archive.repository.OutboxRepository;
import io.audiospective.model.CatalogueArtist;
import io.audiospective.support.BeforeSchemaMigrated;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Fills artist details that recently-played lacks (images, genres where Spotify still gives them), once per
 * artist for all users, and publishes them to {@code catalogue.artists} through the outbox, in the transaction that
 * stores them. Low priority: a round runs only while the shared rate budget is less than half used.
 */
@ApplicationScoped
public class ArtistDetailsJob {

    private static final Logger LOG = Logger.getLogger(ArtistDetailsJob.class);

    private final CatalogueRepository catalogue;
    private final OutboxRepository outbox;
    private final SpotifyClient spotify;
    private final SpotifyRateBudget budget;
    private final AccessTokenCache accessTokens;
    private final ArchiveConfig config;
    private final Clock clock;

    ArtistDetailsJob(
            CatalogueRepository catalogue,
            OutboxRepository outbox,
            SpotifyClient spotify,
            SpotifyRateBudget budget,
            AccessTokenCache accessTokens,
            ArchiveConfig config,
            Clock clock) {
        this.catalogue = catalogue;
        this.outbox = outbox;
        this.spotify = spotify;
        this.budget = budget;
        this.accessTokens = accessTokens;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(
            every = "${audiospective.archive.artist-details-interval:PT30S}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void fillSome() {
        if (!budget.hasSpareCapacity()) {
            return;
        }
        List<String> ids = QuarkusTransaction.requiringNew()
                .call(() -> catalogue.artistsWithoutDetails(config.artistDetailsBatchSize()));
        if (ids.isEmpty()) {
            return;
        }
        Optional<String> token = accessTokens.appToken();
        if (token.isEmpty()) {
            return;
        }
        try {
            List<ArtistDetails> found =
                    spotify.artists(ids, token.get(), config.spotify().batchEndpoints());
            Instant fetchedAt = clock.instant();
            List<CatalogueArtist> published =
                    found.stream().map(d -> message(d, fetchedAt)).toList();
            QuarkusTransaction.requiringNew().run(() -> {
                catalogue.saveArtistDetails(ids, found, fetchedAt);
                outbox.enqueueArtists(published);
            });
        } catch (RuntimeException e) {
            // the artists stay without details and are asked for again next round
            LOG.infof("Artist details not fetched this round: %s", e.getMessage());
        }
    }

    /**
     * The message of one artist's details. Genres that are blank or absurdly long are left out rather than holding
     * the artist's details back for good (Spotify would answer the same next round).
     */
    static CatalogueArtist message(ArtistDetails details, Instant fetchedAt) {
        List<String> genres = details.genres() == null
                ? List.of()
                : details.genres().stream()
                        .filter(g -> g != null && !g.isBlank() && g.length() <= CatalogueArtist.MAX_GENRE_LENGTH)
                        .toList();
        return new CatalogueArtist(
                CatalogueArtist.CURRENT_VERSION, details.id(), genres, details.largestImageUrl(), fetchedAt);
    }
}
