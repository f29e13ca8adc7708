package io.audiospective.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.audiospective.model.FailureKind;

/** The backoff table of the issue, per kind: base, doubling per consecutive failure, cap. */
class BackoffPolicyTest {

    private final BackoffPolicy policy = new BackoffPolicy(Map.of(
            FailureKind.AUTH, new BackoffPolicy.Step(minutes(30), Duration.ofHours(4)),
            FailureKind.NETWORK, new BackoffPolicy.Step(minutes(10), Duration.ofHours(1)),
            FailureKind.UNKNOWN, new BackoffPolicy.Step(minutes(20), Duration.ofHours(3)),
            FailureKind.RATE_LIMITED, new BackoffPolicy.Step(minutes(1), minutes(15))));

    @Test
    void authStartsAtThirtyMinutesAndStopsAtFourHours() {
        assertThat(series(FailureKind.AUTH, 6))
                .containsExactly(minutes(30), minutes(60), minutes(120), minutes(240), minutes(240), minutes(240));
    }

    @Test
    void networkStartsAtTenMinutesAndStopsAtOneHour() {
        assertThat(series(FailureKind.NETWORK, 5))
                .containsExactly(minutes(10), minutes(20), minutes(40), minutes(60), minutes(60));
    }

    @Test
    void unknownStartsAtTwentyMinutesAndStopsAtThreeHours() {
        assertThat(series(FailureKind.UNKNOWN, 6))
                .containsExactly(minutes(20), minutes(40), minutes(80), minutes(160), minutes(180), minutes(180));
    }

    @Test
    void rateLimitedHonoursRetryAfterWhateverTheCount() {
        assertThat(policy.backoff(FailureKind.RATE_LIMITED, 1, 37L)).isEqualTo(Duration.ofSeconds(37));
        assertThat(policy.backoff(FailureKind.RATE_LIMITED, 9, 600L)).isEqualTo(Duration.ofSeconds(600));
        assertThat(policy.backoff(FailureKind.RATE_LIMITED, 1, 0L)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void rateLimitedWithoutRetryAfterFallsBackToItsOwnDoublingTable() {
        assertThat(series(FailureKind.RATE_LIMITED, 6))
                .containsExactly(minutes(1), minutes(2), minutes(4), minutes(8), minutes(15), minutes(15));
    }

    @Test
    void aVeryLongStreakStaysAtTheCapWithoutOverflow() {
        assertThat(policy.backoff(FailureKind.AUTH, Integer.MAX_VALUE, null)).isEqualTo(Duration.ofHours(4));
    }

    @Test
    void aTableWithoutEveryKindOrWithMaxBelowBaseIsRefused() {
        assertThatThrownBy(() ->
                        new BackoffPolicy(Map.of(FailureKind.AUTH, new BackoffPolicy.Step(minutes(30), minutes(60)))))
                .hasMessageContaining("No backoff configured");
        assertThatThrownBy(() -> new BackoffPolicy(Map.of(
                        FailureKind.AUTH, new BackoffPolicy.Step(minutes(30), minutes(10)),
                        FailureKind.NETWORK, new BackoffPolicy.Step(minutes(10), minutes(60)),
                        FailureKind.UNKNOWN, new BackoffPolicy.Step(minutes(20), minutes(180)),
                        FailureKind.RATE_LIMITED, new BackoffPolicy.Step(minutes(1), minutes(15)))))
                .hasMessageContaining("0 < base <= max");
    }

    private Duration[] series(FailureKind kind, int failures) {
        Duration[] result = new Duration[failures];
        for (int n = 1; n <= failures; n++) {
            result[n - 1] = policy.backoff(kind, n, null);
        }
        return result;
    }

    private static Duration minutes(long minutes) {
        return Duration.ofMinutes(minutes);
    }
}
