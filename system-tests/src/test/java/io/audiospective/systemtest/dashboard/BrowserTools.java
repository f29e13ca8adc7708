package io.audiospective.systemtest.dashboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.audiospective.systemtest.LocalSystem;

/**
 * What the browser tests need on a fresh machine, installed by the test itself: Debian's Chromium (apt-get, as
 * root) and playwright-core, pinned, from the npm registry into this module's target directory. Playwright's own
 * browser download is never used (it cannot work here); Chromium is launched from /usr/bin/chromium. axe-core, also
 * pinned, checks each page against WCAG A/AA.
 */
final class BrowserTools {

    static final String PLAYWRIGHT_VERSION = "1.65.1";
    /** The accessibility checker the browser script injects into each page. */
    static final String AXE_VERSION = "4.14.1";

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private BrowserTools() {}

    static Path moduleDir() {
        return LocalSystem.projectRoot().resolve("system-tests");
    }

    /** Installs Debian's chromium when it is missing. */
    static Path chromium() throws IOException, InterruptedException {
        if (Files.isExecutable(CHROMIUM)) {
            return CHROMIUM;
        }
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        if (run(List.of("apt-get", "install", "-y", "-q", "chromium"), null, env, 900) != 0) {
            run(List.of("apt-get", "update", "-q"), null, env, 600);
            int code = run(List.of("apt-get", "install", "-y", "-q", "chromium"), null, env, 900);
            if (code != 0) {
                throw new IllegalStateException("apt-get install chromium failed (" + code + "); the browser tests "
                        + "need Debian's chromium at " + CHROMIUM);
            }
        }
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("chromium was installed but " + CHROMIUM + " is missing");
        }
        return CHROMIUM;
    }

    /** playwright-core and axe-core at the pinned versions under target/playwright; returns that directory. */
    static Path playwright() throws IOException, InterruptedException {
        Path home = moduleDir().resolve("target/playwright");
        if (installed(home, "playwright-core", PLAYWRIGHT_VERSION) && installed(home, "axe-core", AXE_VERSION)) {
            return home;
        }
        Files.createDirectories(home);
        List<String> command = List.of(
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                home.toString(),
                "playwright-core@" + PLAYWRIGHT_VERSION,
                "axe-core@" + AXE_VERSION);
        int code = run(command, home, Map.of(), 600);
        if (code != 0
                || !installed(home, "playwright-core", PLAYWRIGHT_VERSION)
                || !installed(home, "axe-core", AXE_VERSION)) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + code + ")");
        }
        return home;
    }

    private static boolean installed(Path home, String name, String version) throws IOException {
        Path manifest = home.resolve("node_modules").resolve(name).resolve("package.json");
        return Files.isRegularFile(manifest)
                && Files.readString(manifest).replace(" ", "").contains("\"version\":\"" + version + "\"");
    }

    /** Runs a command, echoing its output with a prefix; returns the exit code. */
    static int run(List<String> command, Path dir, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        return run(command, dir, env, timeoutSeconds, line -> {});
    }

    /** {@link #run(List, Path, Map, long)}, handing every line of output to {@code lines} as well. */
    static int run(List<String> command, Path dir, Map<String, String> env, long timeoutSeconds, Consumer<String> lines)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        Thread pump = new Thread(() -> {
            try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
                reader.lines().forEach(line -> {
                    System.out.println("  | " + line);
                    lines.accept(line);
                });
            } catch (IOException e) {
                // process gone
            }
        });
        pump.setDaemon(true);
        pump.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            pump.join(2000);
            throw new IllegalStateException(
                    String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
        }
        pump.join(5000);
        return process.exitValue();
    }
}
