package io.audiospective.systemtest.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.audiospective.systemtest.LocalSystem;
import io.audiospective.systemtest.SpotifySignIn;

/**
 * The web dashboard in headless Chromium (Debian's, driven by playwright-core) against the whole system started
 * from the packaged services: sign in through auth-service and the emulator's login page, archive status, history
 * with infinite scroll and top lists compared with the API, period changes (preset, all time, custom), an import
 * of an older history with its progress, album covers (lazy, sized, alt text, served by the emulator) in the lists,
 * a track's, an album's and an artist's page with every number compared with the API (also at 390 px), the history
 * filtered by artist and date range through the URL, the chart pages, every page checked with axe-core, a time zone change,
 * a member refused on the admin page, phone width, sign-out (the old token no longer renews), and finally the
 * account deleted from the settings page after its confirmation. The browser script is {@code src/test/js/dashboard.spec.mjs}; screenshots go to
 * {@code target/screenshots}.
 */
class DashboardBrowserTest {

    private static final String USER = "typical-1-1";

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aMemberUsesTheDashboard() throws Exception {
        Path chromium = BrowserTools.chromium();
        Path playwright = BrowserTools.playwright();
        Path module = BrowserTools.moduleDir();

        try (LocalSystem system = LocalSystem.start(new LocalSystem.Options(
                Duration.ofMinutes(2), Duration.ofSeconds(5), 1, 5, Map.of(), Map.of(), Map.of()))) {
            // The member exists and has had a first poll before the browser signs in again, so that there is
            // something to look at.
            String token = new SpotifySignIn(system.auth().url())
                    .signIn(USER)
                    .orElseThrow(() -> new AssertionError("the first sign-in of " + USER + " did not finish"));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> system.pollNow(USER));
            awaitPlays(system.api().url(), token);

            Map<String, String> env = new LinkedHashMap<>();
            env.put("DASHBOARD_URL", system.api().url().toString());
            env.put("EMULATOR_URL", system.emulator().url().toString());
            env.put("USER_ID", USER);
            env.put("IMPORT_DAYS", "14");
            env.put("PLAYWRIGHT_HOME", playwright.toString());
            env.put("CHROMIUM", chromium.toString());
            env.put("SCREENSHOTS", module.resolve("target/screenshots").toString());
            int exit = BrowserTools.run(
                    List.of(
                            "node",
                            module.resolve("src/test/js/dashboard.spec.mjs").toString()),
                    module,
                    env,
                    900);
            assertThat(exit)
                    .as("dashboard browser checks (output above; screenshots in target/screenshots)")
                    .isZero();
        }
    }

    /** Waits for the member's first play to reach the read model. */
    private static void awaitPlays(URI api, String token) {
        HttpClient http = HttpClient.newHttpClient();
        await("the member's first plays in the read model")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> http.send(
                                HttpRequest.newBuilder(api.resolve("/api/v1/me/plays?limit=1"))
                                        .header("Authorization", "Bearer " + token)
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()),
                        response ->
                                response.statusCode() == 200 && response.body().contains("\"playedAt\""));
    }
}
