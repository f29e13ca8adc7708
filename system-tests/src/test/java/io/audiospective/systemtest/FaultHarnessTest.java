package io.audiospective.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The short fault harness, as CI runs it: the whole system, two replicas of every service, under faults and poison
 * loses and doubles no play, sets poison aside alone and dead-letters nothing else; during the PostgreSQL outage
 * every service answers what needs it with a 503 to retry.
 */
class FaultHarnessTest {

    @Test
    void underFaultsEveryVisiblePlayIsArchivedAndServedExactlyOnce() throws Exception {
        HarnessReport report = new FaultHarness(FaultHarness.Mode.SHORT, System.out).run();

        assertThat(report.audit().expected())
                .as("plays the users made during the run")
                .isPositive();
        assertThat(report.audit().missing()).as("missing plays").isEmpty();
        assertThat(report.audit().duplicated()).as("duplicated plays").isZero();
        assertThat(report.audit().unexpected())
                .as("archived plays the users never made")
                .isZero();
        assertThat(report.audit().readModelMissing() + report.audit().readModelExtra())
                .as("read model differences from the archive")
                .isZero();
        assertThat(report.pollsByOutcome()).as("polls by outcome").containsKey("SUCCESS");
        assertThat(report.poison().importStatus()).as("the poison import's job").isEqualTo("DONE");
        assertThat(report.poison().invalidEntriesSkipped())
                .as("impossible entries skipped with their reason")
                .isEqualTo(PoisonFaults.INVALID_ENTRIES);
        assertThat(report.poison().setAsideAfter())
                .as("poison records on plays set aside")
                .isNotNull()
                .isLessThan(PoisonFaults.SET_ASIDE_TARGET);
        assertThat(report.unexpectedDeadLetters())
                .as("records dead-lettered by outages or crashes")
                .isZero();
        assertThat(report.outageAnswers())
                .as("answers to requests that need PostgreSQL while it is away")
                .hasSize(3)
                .allMatch(OutageAnswers.Answer::retryable, "503 problem details with Retry-After");
        assertThat(report.faults()).as("faults injected").hasSizeGreaterThanOrEqualTo(18);
    }
}
