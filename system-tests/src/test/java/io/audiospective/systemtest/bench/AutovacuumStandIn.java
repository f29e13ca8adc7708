package io.audiospective.systemtest.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.audiospective.systemtest.LocalSystem;

/**
 * What autovacuum does, for a server that runs without it (this machine's CI configuration turns it off): once a
 * minute, each table of the system's database whose dead rows passed autovacuum's default threshold (50 + 20 % of
 * its rows), or whose changes since the last analysis passed 50 + 10 %, is vacuumed and analysed. Production servers
 * run autovacuum; without it a benchmark measures tables nobody cleans (every poll updates its member's schedule row).
 */
final class AutovacuumStandIn implements AutoCloseable {

    private static final Duration NAPTIME = Duration.ofMinutes(1);

    private final LocalSystem system;
    private final Consumer<String> say;
    private final ScheduledExecutorService timer;
    private final AtomicInteger vacuums = new AtomicInteger();
    private final AtomicLong vacuumNanos = new AtomicLong();

    private AutovacuumStandIn(LocalSystem system, Consumer<String> say, boolean running) {
        this.system = system;
        this.say = say;
        this.timer = running ? Executors.newSingleThreadScheduledExecutor() : null;
        if (running) {
            timer.scheduleWithFixedDelay(this::vacuumWhatNeedsIt, 0, NAPTIME.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Starts vacuuming when the server's autovacuum is off; does nothing when it is on. */
    static AutovacuumStandIn startIfOff(LocalSystem system, String autovacuumSetting, Consumer<String> say) {
        boolean off = "off".equals(autovacuumSetting);
        if (off) {
            say.accept("the server's autovacuum is off: this benchmark vacuums as autovacuum would, every "
                    + NAPTIME.toSeconds() + " s");
        }
        return new AutovacuumStandIn(system, say, off);
    }

    /** For the report: what the stand-in did, or that it left vacuuming to the server. */
    String summary() {
        if (timer == null) {
            return "vacuuming left to it";
        }
        return String.format(
                "the benchmark vacuumed as autovacuum would: %d vacuums, %.1f s",
                vacuums.get(), vacuumNanos.get() / 1e9);
    }

    private void vacuumWhatNeedsIt() {
        try (Connection connection = system.openDatabase();
                Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet due = statement.executeQuery("""
                    SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables
                    WHERE n_dead_tup > 50 + 0.2 * n_live_tup OR n_mod_since_analyze > 50 + 0.1 * n_live_tup
                    """)) {
                while (due.next()) {
                    tables.add(due.getString(1));
                }
            }
            for (String table : tables) {
                long started = System.nanoTime();
                statement.execute("VACUUM (ANALYZE, SKIP_LOCKED) " + table);
                vacuumNanos.addAndGet(System.nanoTime() - started);
                vacuums.incrementAndGet();
            }
        } catch (SQLException e) {
            say.accept("autovacuum stand-in: " + e.getMessage() + " (tried again in a minute)");
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
