package io.audiospective.archive.bench;

import static io.audiospective.archive.ImportFixtures.CHUNK;
import static io.audiospective.archive.ImportFixtures.WAIT;
import static io.audiospective.archive.ImportFixtures.entry;
import static io.audiospective.archive.ImportFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;

import io.agroal.api.AgroalDataSource;
import io.audiospective.archive.ImportFixtures;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.Topics;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The worker's import throughput when every track is already in the catalogue (the EASY case: a first import of
 * tracks the catalogue does not know is {@code deploy/first-import-benchmark.sh}'s subject), with a raw {@code COPY}
 * of the same rows as the limit, in the same run. Entries go through Kafka as api-service sends them; the user has
 * a polled history the import overlaps.
 *
 * <pre>cd archive-worker && ../mvnw verify -Dbenchmark=true -Dtest=ImportBenchmark -Dimport.entries=200000</pre>
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ImportBenchmark {

    private static final int ENTRIES = Integer.getInteger("import.entries", 20_000);

    @Inject
    ImportFixtures fixtures;

    @Inject
    Db db;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void importOfKnownTracksThroughKafka() throws Exception {
        List<String> knownTracks = fixtures.catalogueTracks(200);
        String user = "u-" + run() + "-bench";
        Instant newest = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<ImportEntry> entries = new ArrayList<>();
        for (int i = 1; i <= ENTRIES; i++) {
            entries.add(entry(newest.minusSeconds(200L * i), knownTracks.get(i % knownTracks.size())));
        }
        report(
                "IMPORT BENCHMARK: case: %,d entries of %d tracks ALL KNOWN to the catalogue (the easy case), one"
                        + " member, chunks of %,d through Kafka",
                ENTRIES, knownTracks.size(), CHUNK);
        warmUp(knownTracks);

        String importId = "imp-" + run();
        List<ProducerRecord<String, byte[]>> records = ImportFixtures.records(importId, user, entries);
        int chunks = records.size();
        long compilingBefore = compilingMillis();
        long started = System.nanoTime();
        fixtures.send(records);
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> fixtures.counts(importId) != null
                        && fixtures.counts(importId).get("chunks").intValue() == chunks);
        double seconds = (System.nanoTime() - started) / 1e9;
        double compiling = (compilingMillis() - compilingBefore) / 1e3;
        // the worker alone: from the start of the first chunks' transaction until all were seen archived
        double workerSeconds = QuarkusTransaction.requiringNew()
                .call(() -> ((Number) db.queryOne(
                                        "SELECT extract(epoch FROM clock_timestamp() - min(done_at)) FROM import_chunks_done"
                                                + " WHERE import_id = ?",
                                        rs -> rs.getObject(1),
                                        importId)
                                .orElse(null))
                        .doubleValue());
        Map<String, Number> counts = fixtures.awaitDone(importId, chunks);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> fixtures.outboxRowsOf(user) == 0);
        double publishedSeconds = (System.nanoTime() - started) / 1e9;
        long archived = counts.get("imported").longValue();
        assertThat(archived).isEqualTo(ENTRIES);

        double copySeconds = rawCopy(entries);
        double perChunk = workerSeconds / chunks;
        report(
                "IMPORT BENCHMARK (worker only): %.1f ms per chunk of %,d = %.0f entries/s",
                perChunk * 1000, CHUNK, CHUNK / perChunk);
        report(
                "IMPORT BENCHMARK: %d entries through Kafka and archived in %.2f s = %.0f entries/s (JIT compile time"
                        + " %.2f s); LIMIT raw COPY of the same rows: %.0f rows/s",
                ENTRIES, seconds, ENTRIES / seconds, compiling, ENTRIES / copySeconds);
        report(
                "IMPORT BENCHMARK: their %d plays published to %s by %.2f s = %.0f plays/s",
                archived, Topics.PLAYS, publishedSeconds, archived / publishedSeconds);
    }

    /**
     * The benchmark measures a running worker, not a fresh JVM: imports of the same size (other users, same tracks)
     * are archived and published first, until the JIT compiler is quiet. On two cores its one C2 thread lags far
     * behind: after one warm-up import it was still compiling Kafka's producer and PostgreSQL's driver during the
     * measured import, about a quarter of the CPU. The rounds stop when the compiler took under a tenth of a round
     * (until its plays were published), or after {@code import.warm-ups} rounds (default 4).
     */
    private void warmUp(List<String> tracks) {
        int maxRounds = Integer.getInteger("import.warm-ups", 4);
        for (int round = 1; round <= maxRounds; round++) {
            long compilingBefore = compilingMillis();
            long roundStarted = System.nanoTime();
            String user = "u-" + run() + "-warm";
            Instant start = Instant.parse("2015-01-01T00:00:00Z");
            List<ImportEntry> entries = new ArrayList<>();
            for (int i = 0; i < ENTRIES; i++) {
                entries.add(entry(start.plusSeconds(200L * i), tracks.get((i + round) % tracks.size())));
            }
            String importId = "imp-" + run() + "-warm";
            int chunks = fixtures.send(importId, user, entries);
            double seconds = (System.nanoTime() - roundStarted) / 1e9;
            assertThat(fixtures.awaitDone(importId, chunks).get("imported").longValue())
                    .isEqualTo(ENTRIES);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> fixtures.outboxRowsOf(user) == 0);
            double roundSeconds = (System.nanoTime() - roundStarted) / 1e9;
            double compiling = (compilingMillis() - compilingBefore) / 1e3;
            report(
                    "IMPORT BENCHMARK: warm-up %d: %d entries archived in %.2f s = %.0f entries/s; JIT compile time"
                            + " %.2f s in the %.2f s until published",
                    round, ENTRIES, seconds, ENTRIES / seconds, compiling, roundSeconds);
            if (compiling < roundSeconds / 10) {
                return;
            }
        }
    }

    /**
     * The JIT compilers' time so far in this JVM: each compilation's elapsed time, added over the compiler threads,
     * so it can exceed the wall time of a window.
     */
    private static long compilingMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** COPY of the same rows into a scratch table like play_events: the limit next to the figure. */
    private double rawCopy(List<ImportEntry> entries) throws Exception {
        StringBuilder csv = new StringBuilder();
        for (ImportEntry e : entries) {
            csv.append("bench,")
                    .append(e.endedAt())
                    .append(',')
                    .append(e.trackUri().substring(14))
                    .append(',')
                    .append(e.msPlayed())
                    .append(",IMPORT,bench\n");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection
                    .createStatement()
                    .execute("CREATE TEMP TABLE bench_copy (user_id text, played_at timestamptz,"
                            + " track_id text, ms_played bigint, source text, import_id text)");
            long started = System.nanoTime();
            connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY bench_copy FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
            double seconds = (System.nanoTime() - started) / 1e9;
            connection.createStatement().execute("DROP TABLE bench_copy");
            return seconds;
        }
    }

    /** One line, written at once: the log handler writes to the same console from other threads. */
    private static void report(String format, Object... args) {
        System.out.println(String.format(format, args));
    }
}
