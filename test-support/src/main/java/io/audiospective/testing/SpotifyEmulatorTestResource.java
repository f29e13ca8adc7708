package io.audiospective.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs the Spotify emulator (deploy/spotify-emulator, packaged) as a separate process on a random loopback port,
 * so tests talk to it over real HTTP. Exposes its base URL as {@value #URL_PROPERTY}. When
 * {@code SPOTIFY_EMULATOR_URL} is set, that emulator is used instead and nothing is started.
 */
public class SpotifyEmulatorTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String URL_PROPERTY = "audiospective.test.spotify-emulator-url";

    private static final Logger LOG = Logger.getLogger(SpotifyEmulatorTestResource.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private Process process;

    @Override
    public Map<String, String> start() {
        String external = System.getenv("SPOTIFY_EMULATOR_URL");
        if (external != null && !external.isBlank()) {
            return Map.of(URL_PROPERTY, external);
        }
        Path jar = locateJar();
        int port = TcpForwarder.freePort();
        String url = "http://127.0.0.1:" + port;
        File log = new File("target/spotify-emulator-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(javaExecutable(), "-Xmx256m", "-jar", jar.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log);
        builder.environment().put("EMULATOR_PORT", String.valueOf(port));
        builder.environment().put("EMULATOR_HOST", "127.0.0.1");
        // auth-service's Spotify redirect URI; a port-less loopback URI accepts any port, as at Spotify
        builder.environment().put("EMULATOR_REDIRECT_URIS", "http://127.0.0.1/login/spotify");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the Spotify emulator " + jar, e);
        }
        awaitReady(url, log);
        LOG.infof("Spotify emulator for tests at %s (log %s)", url, log);
        return Map.of(URL_PROPERTY, url);
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private void awaitReady(String url, File log) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url + "/emulator/settings"))
                .timeout(Duration.ofSeconds(2))
                .build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The Spotify emulator exited during start-up; see " + log);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                process.waitFor(250, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop();
        throw new IllegalStateException("The Spotify emulator was not ready within " + START_TIMEOUT + "; see " + log);
    }

    /** The packaged emulator: -Dspotify.emulator.jar, else found from the working directory upwards. */
    private static Path locateJar() {
        String configured = System.getProperty("spotify.emulator.jar");
        if (configured != null && Files.isRegularFile(Path.of(configured))) {
            return Path.of(configured);
        }
        Path relative = Path.of("deploy", "spotify-emulator", "target", "quarkus-app", "quarkus-run.jar");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException("The Spotify emulator is not packaged; build it first with "
                + "./mvnw -B package -DskipTests -pl deploy/spotify-emulator");
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
