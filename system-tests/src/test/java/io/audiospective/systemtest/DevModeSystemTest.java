package io.audiospective.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./mvnw quarkus:dev} of every service starts against the local PostgreSQL, Redis and broker with nothing
 * exported: {@code deploy/dev-mode-check.sh} starts all four in dev mode with an empty environment and waits for
 * each one's liveness. Run here so that a profile change that breaks dev mode fails the build.
 */
class DevModeSystemTest {

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void everyServiceStartsInDevModeWithNothingExported() throws Exception {
        Path root = LocalSystem.projectRoot();
        Path log = Files.createDirectories(root.resolve("system-tests/target/dev-mode-check"))
                .resolve("dev-mode-check.log");
        Process check = new ProcessBuilder(
                        "bash", root.resolve("deploy/dev-mode-check.sh").toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();

        boolean finished = check.waitFor(14, TimeUnit.MINUTES);
        if (!finished) {
            // the script stops the services it started when it is terminated
            check.destroy();
            check.waitFor(1, TimeUnit.MINUTES);
        }

        String output = Files.readString(log);
        assertThat(finished)
                .as("dev-mode-check.sh finished; its output:%n%s", output)
                .isTrue();
        assertThat(check.exitValue())
                .as("dev-mode-check.sh's exit; its output:%n%s", output)
                .isZero();
        assertThat(output)
                .contains("auth-service is ready")
                .contains("scheduler-service is ready")
                .contains("archive-worker is ready")
                .contains("api-service is ready");
    }
}
