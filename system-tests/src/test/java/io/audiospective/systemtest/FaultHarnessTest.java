package io.audiospective.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The short fault harness, as CI runs it: the whole system under faults loses and doubles no play. */
class FaultHarnessTest {

    @Test
    void underFaultsEveryVisiblePlayIsArchivedAndServedExactlyOnce() throws Exception {
        HarnessReport report = new FaultHarness(FaultHarness.Mode.SHORT, System.out).run();

        assertThat(report.audit().expected()).as("plays the users made during the run").isPositive();
        assertThat(report.audit().missing()).as("missing plays").isEmpty();
        assertThat(report.audit().duplicated()).as("duplicated plays").isZero();
        assertThat(report.audit().unexpected()).as("archived plays the users never made").isZero();
        assertThat(report.audit().readModelMissing() + report.audit().readModelExtra())
                .as("read model differences from the archive").isZero();
        assertThat(report.pollsByOutcome()).as("polls by outcome").containsKey("SUCCESS");
        assertThat(report.faults()).as("faults injected").hasSizeGreaterThanOrEqualTo(12);
    }
}
