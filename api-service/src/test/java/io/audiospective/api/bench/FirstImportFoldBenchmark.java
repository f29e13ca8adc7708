package io.audiospective.api.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.TrackRef;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Not a test: a benchmark, run on demand with
 * {@code ../mvnw verify -Dbenchmark=true -Dtest=FirstImportFoldBenchmark [-Dfold.plays=200000]}. The read model's side
 * of a member's first import, the case members meet: one member, {@code fold.plays} imported plays over ten years of
 * 30,000 tracks by 3,000 artists, first as the file names them (provisional), then the same plays complete as the
 * catalogue completion publishes them again, in batches of 500 as the consumer polls them. Prints plays/s of both
 * phases next to the same plays folded complete from the start.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class FirstImportFoldBenchmark {

    private static final int PLAYS = Integer.getInteger("fold.plays", 200_000);
    private static final int TRACKS = 30_000;
    private static final int BATCH = Integer.getInteger("fold.batch", 500);

    @Inject
    ReadModelService readModel;

    @Test
    void benchmark() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<PlayEvent> complete = plays("first-" + run);
        List<PlayEvent> provisional = complete.stream()
                .map(io.audiospective.api.Histories::asFileNamesIt)
                .toList();
        if (Boolean.getBoolean("fold.interleaved")) {
            // as a live import meets it: the catalogue completion publishes described tracks' plays again while the
            // file's plays still arrive, about one complete play for every twenty new ones
            List<PlayEvent> mixed = new ArrayList<>();
            java.util.Random random = new java.util.Random(1);
            for (int i = 0; i < provisional.size(); i++) {
                mixed.add(provisional.get(i));
                if (i % 20 == 19) {
                    mixed.add(complete.get(random.nextInt(i)));
                }
            }
            System.out.printf("FIRST IMPORT FOLD BENCHMARK: interleaved %,.0f plays/s%n", fold(mixed));
            return;
        }
        double provisionalRate = fold(provisional);
        // the completion publishes a described track's plays together, tracks one after another
        double completionRate = fold(complete.stream()
                .sorted(java.util.Comparator.comparing(
                                (PlayEvent p) -> p.track().id())
                        .thenComparing(PlayEvent::playedAt))
                .toList());
        double referenceRate = fold(plays("ref-" + run));
        System.out.printf(
                "FIRST IMPORT FOLD BENCHMARK: one member, %,d imported plays over ten years, %,d tracks;"
                        + " batches of %d: provisional %,.0f plays/s, completion of the same plays %,.0f plays/s;"
                        + " the same plays complete from the start %,.0f plays/s%n",
                PLAYS, TRACKS, BATCH, provisionalRate, completionRate, referenceRate);
    }

    private double fold(List<PlayEvent> plays) {
        long started = System.nanoTime();
        for (int from = 0; from < plays.size(); from += BATCH) {
            readModel.applyLive(plays.subList(from, Math.min(plays.size(), from + BATCH)));
        }
        return plays.size() / ((System.nanoTime() - started) / 1e9);
    }

    private static List<PlayEvent> plays(String user) {
        List<PlayEvent> plays = new ArrayList<>(PLAYS);
        Instant at = Instant.parse("2016-01-01T08:00:00Z");
        long step = 10L * 365 * 24 * 3600 / PLAYS;
        for (int i = 0; i < PLAYS; i++) {
            int t = i < TRACKS ? i : (int) ((i * 7919L) % TRACKS);
            TrackRef track = new TrackRef(
                    "fi" + t,
                    "Track " + t,
                    200_000,
                    null,
                    new AlbumRef("fial" + t / 8, "Album " + t / 8, "2021", null),
                    List.of(new ArtistRef("fiar" + t / 10, "Artist " + t / 10)));
            plays.add(new PlayEvent(1, user, at.plusSeconds(step * i), track, 180_000, PlaySource.IMPORT, "imp"));
        }
        return plays;
    }
}
