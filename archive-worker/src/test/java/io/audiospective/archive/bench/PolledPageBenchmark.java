package io.audiospective.archive.bench;

import static io.audiospective.archive.ImportFixtures.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.audiospective.archive.service.ArchiveWriter;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.TrackRef;
import io.audiospective.testing.ProcessStats;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What PostgreSQL spends on archiving one poll's page at the density members produce, without Spotify or Kafka in
 * the way: {@code USERS} members whose first page (50 plays) is archived, then {@code POLLS} hourly polls of each,
 * {@link #NEW_PER_POLL} new plays among the page's 50 as Spotify returns them. The same polls again (fresh members)
 * with only the page's new plays sent, which is what the page statement would cost if the worker left out the plays
 * it archived already. PostgreSQL's CPU (every process, so the outbox relay publishing the new plays is included) per
 * poll and per new play, and the worker's wall time per poll.
 *
 * <pre>cd archive-worker && ../mvnw verify -Dbenchmark=true -Dtest=PolledPageBenchmark</pre>
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class PolledPageBenchmark {

    static final int USERS = Integer.getInteger("page.users", 300);
    static final int POLLS = Integer.getInteger("page.polls", 10);
    static final int PAGE = 50;
    static final int NEW_PER_POLL = 4;
    static final Instant START = Instant.parse("2026-03-01T08:00:00Z");

    @Inject
    ArchiveWriter writer;

    @Test
    void benchmark() {
        String run = run();
        // warm-up: the tracks into the catalogue and the statement's path through the JIT
        measure(run + "-warm", Math.min(USERS, 100), PAGE);
        Figures whole = measure(run + "-whole", USERS, PAGE);
        Figures onlyNew = measure(run + "-new", USERS, NEW_PER_POLL);
        System.out.printf(
                Locale.ROOT,
                "%nPOLLED PAGE BENCHMARK: %,d members with a first page archived, %d polls each of %d new plays, tracks"
                        + " in the catalogue%n",
                USERS,
                POLLS,
                NEW_PER_POLL);
        System.out.println(whole.line("the page as Spotify returns it (50 plays, 4 new)"));
        System.out.println(onlyNew.line("only the page's new plays sent"));
        System.out.println();
    }

    private record Figures(int polls, double postgresCpuSeconds, double seconds) {
        String line(String what) {
            return String.format(
                    Locale.ROOT,
                    "%-50s PostgreSQL %.3f ms CPU per poll (%.3f per new play), %.2f ms per poll end to end, %,d polls",
                    what,
                    postgresCpuSeconds * 1000 / polls,
                    postgresCpuSeconds * 1000 / (polls * (double) NEW_PER_POLL),
                    seconds * 1000 / polls,
                    polls);
        }
    }

    /**
     * Archives every member's first page, then times {@link #POLLS} polls of every member, each sending the newest
     * {@code sent} plays of the member's history so far.
     */
    private Figures measure(String prefix, int users, int sent) {
        for (int u = 0; u < users; u++) {
            String user = prefix + "-" + u;
            writer.write(user, page(user, PAGE, PAGE), START.plusSeconds(210L * (PAGE - 1)), Instant.now());
        }
        double cpuBefore = ProcessStats.cpuSeconds("postgres");
        long started = System.nanoTime();
        int polls = 0;
        for (int poll = 1; poll <= POLLS; poll++) {
            int played = PAGE + poll * NEW_PER_POLL;
            for (int u = 0; u < users; u++) {
                String user = prefix + "-" + u;
                writer.write(user, page(user, played, sent), START.plusSeconds(210L * (played - 1)), Instant.now());
                polls++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Figures(polls, ProcessStats.cpuSeconds("postgres") - cpuBefore, seconds);
    }

    /** The newest {@code size} of the member's first {@code played} plays, newest first, 3.5 minutes apart. */
    private static List<PlayEvent> page(String user, int played, int size) {
        List<PlayEvent> page = new ArrayList<>(size);
        for (int i = played - 1; i >= Math.max(0, played - size); i--) {
            String id = "pp" + (i * 7919 % 3000);
            TrackRef track = new TrackRef(
                    id,
                    "Track " + id,
                    200_000,
                    null,
                    new AlbumRef("ppal" + (i * 7919 % 3000) % 900, "Album", "2021", null),
                    List.of(new ArtistRef("ppar" + (i * 7919 % 3000) % 500, "Artist")));
            page.add(PlayEvent.polled(user, START.plusSeconds(210L * i), track));
        }
        return page;
    }
}
