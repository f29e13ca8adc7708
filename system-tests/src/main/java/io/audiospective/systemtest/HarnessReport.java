package io.audiospective.systemtest;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a fault-harness run found, printed as the run's report. */
record HarnessReport(String mode, int users, Duration pollingPeriod, Duration took, ArchiveAudit.Result audit,
        long playEvents, Map<String, Long> pollsByOutcome, Map<String, Long> deadLetters, int reauthorisedUsers,
        List<String> faults) {

    boolean passed() {
        return audit.exact();
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
        out.printf("unavoidable (NEEDS_REAUTH while the plays left the last 50; %d users) %d%n", reauthorisedUsers,
                audit.unavoidable());
        out.printf("read model: missing %d, extra %d; plays events on Kafka %d%n", audit.readModelMissing(),
                audit.readModelExtra(), playEvents);
        out.println("polls by outcome:");
        pollsByOutcome.forEach((kind, count) -> out.printf("  %-14s %8d%n", kind, count));
        out.println("dead-letter records: " + (deadLetters.isEmpty() ? "none" : ""));
        deadLetters.forEach((reason, count) -> out.printf("  %6d  %s%n", count, reason));
        audit.missing().stream().limit(20).forEach(play -> out.println("  MISSING " + play));
        out.println("result: " + (passed() ? "PASS (0 missing, 0 duplicated)" : "FAIL"));
        out.println("=====================================================================");
        out.flush();
    }
}
