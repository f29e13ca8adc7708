package io.audiospective.systemtest.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * of an older history with its progress, the chart pages, every page checked with axe-core, a time zone change,
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

        try (LocalSystem system = LocalSystem.start(new LocalSystem.Options(Duration.ofMinutes(2),
                Duration.ofSeconds(5), 1, 5, Map.of(), Map.of(), Map.of()))) {
            // The member exists and has had a first poll before the browser signs in again, so that there is
            // something to look at.
            String token = new SpotifySignIn(system.auth().url()).signIn(USER)
                    .orElseThrow(() -> new AssertionError("the first sign-in of " + USER + " did not finish"));
            pollNow(system.scheduler().url(), USER);
            awaitPlays(system.api().url(), token);

            Map<String, String> env = new LinkedHashMap<>();
            env.put("DASHBOARD_URL", system.api().url().toString());
            env.put("EMULATOR_URL", system.emulator().url().toString());
            env.put("USER_ID", USER);
            env.put("IMPORT_DAYS", "14");
            env.put("PLAYWRIGHT_HOME", playwright.toString());
            env.put("CHROMIUM", chromium.toString());
            env.put("SCREENSHOTS", module.resolve("target/screenshots").toString());
            int exit = BrowserTools.run(List.of("node", module.resolve("src/test/js/dashboard.spec.mjs").toString()),
                    module, env, 900);
            assertThat(exit).as("dashboard browser checks (output above; screenshots in target/screenshots)")
                    .isZero();
        }
    }

    /** Asks the scheduler for a poll now; it knows the member once it has read the REGISTERED event. */
    private static void pollNow(URI scheduler, String user) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant end = Instant.now().plusSeconds(60);
        while (true) {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                    scheduler.resolve("/admin/users/" + user + "/poll-now")).POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2 || Instant.now().isAfter(end)) {
                return;
            }
            Thread.sleep(500);
        }
    }

    private static void awaitPlays(URI api, String token) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant end = Instant.now().plusSeconds(240);
        String last = "";
        while (Instant.now().isBefore(end)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("/api/v1/me/plays?limit=1"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200 && response.body().contains("\"playedAt\"")) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no plays archived for the member within 4 minutes; last answer: " + last);
    }
}
