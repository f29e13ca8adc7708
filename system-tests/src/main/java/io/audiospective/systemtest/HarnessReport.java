package io.audiospective.systemtest;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.audiospective.model.Topics;

/** What a fault-harness run found, printed as the run's report. */
record HarnessReport(
        String mode,
        int users,
        Duration pollingPeriod,
        Duration took,
        ArchiveAudit.Result audit,
        long playEvents,
        Map<String, Long> pollsByOutcome,
        Map<String, Long> deadLetters,
        int reauthorisedUsers,
        List<String> faults,
        PoisonFaults.Outcome poison,
        List<String> needingReauth,
        List<OutageAnswers.Answer> outageAnswers) {

    /**
     * Every member whose refresh token the run revoked or expired signed in again, so a member still in NEEDS_REAUTH
     * at the end lost a refresh token the system should have kept (a refresh answer faulted, slow or not committed).
     * While PostgreSQL is away, every service answers a request that needs it with a 503 the client may retry.
     */
    boolean passed() {
        return audit.exact()
                && poison.handled()
                && unexpectedDeadLetters() == 0
                && needingReauth.isEmpty()
                && !outageAnswers.isEmpty()
                && outageAnswers.stream().allMatch(OutageAnswers.Answer::retryable);
    }

    /**
     * Dead-letter records other than the poison the run wrote onto {@code plays}: an outage, however long, or a
     * killed process must never dead-letter a record.
     */
    long unexpectedDeadLetters() {
        long onPlays = deadLetters.entrySet().stream()
                .filter(e -> e.getKey().startsWith(Topics.PLAYS + ".dlq:"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        long all = deadLetters.values().stream().mapToLong(Long::longValue).sum();
        return all - onPlays + Math.abs(onPlays - poison.records());
    }

    void print(PrintStream out) {
        out.println();
        out.println("==================== fault harness report (" + mode + ") ====================");
        out.printf("users %d, polling period %s, run took %d s%n", users, pollingPeriod, took.toSeconds());
        out.println("faults injected:");
        faults.forEach(line -> out.println("  " + line));
        out.printf("plays expected (ground truth) %8d%n", audit.expected());
        out.printf("plays archived                %8d%n", audit.archived());
        out.printf("missing                       %8d%n", audit.missing().size());
        out.printf("duplicated                    %8d%n", audit.duplicated());
        out.printf("not in the ground truth       %8d%n", audit.unexpected());
        out.printf(
                "unavoidable (NEEDS_REAUTH while the plays left the last 50; %d users) %d%n",
                reauthorisedUsers, audit.unavoidable());
        out.printf(
                "read model: missing %d, extra %d; plays events on Kafka %d%n",
                audit.readModelMissing(), audit.readModelExtra(), playEvents);
        out.println("polls by outcome:");
        pollsByOutcome.forEach((kind, count) -> out.printf("  %-14s %8d%n", kind, count));
        out.printf(
                "poison import: %s, %d plays sent, skipped %s (%d impossible entries, %d expected)%n",
                poison.importStatus(),
                poison.importPlaysSent(),
                poison.importSkipped(),
                poison.invalidEntriesSkipped(),
                PoisonFaults.INVALID_ENTRIES);
        out.printf(
                "poison records on plays: %d, passed by the read model after %s (target under %d s)%n",
                poison.records(),
                poison.setAsideAfter() == null
                        ? "never"
                        : String.format("%.1f s", poison.setAsideAfter().toMillis() / 1000.0),
                PoisonFaults.SET_ASIDE_TARGET.toSeconds());
        out.println("dead-letter records (set aside, with their reason): " + (deadLetters.isEmpty() ? "none" : ""));
        deadLetters.forEach((reason, count) -> out.printf("  %6d  %s%n", count, reason));
        out.printf("dead-letter records the run did not plant: %d%n", unexpectedDeadLetters());
        out.printf(
                "members in NEEDS_REAUTH at the end (every one the run revoked signed in again): %d %s%n",
                needingReauth.size(), needingReauth.isEmpty() ? "" : needingReauth);
        out.println("answers to requests that need PostgreSQL during its outage (503 problem details expected):");
        outageAnswers.forEach(answer -> out.println("  " + answer));
        audit.missing().stream().limit(20).forEach(play -> out.println("  MISSING " + play));
        audit.readModelDifferences().stream().limit(20).forEach(play -> out.println("  " + play));
        out.println("result: "
                + (passed()
                        ? "PASS (0 missing, 0 duplicated, poison set aside alone, no member wrongly in NEEDS_REAUTH, "
                                + "a retryable 503 during the outage)"
                        : "FAIL"));
        out.println("=====================================================================");
        out.flush();
    }
}
