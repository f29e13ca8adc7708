package io.audiospective.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time and resident memory of processes, from Linux's /proc: what a benchmark on this machine spends. */
public final class ProcessStats {

    /** Clock ticks per second of /proc/<pid>/stat's utime and stime: 100 on Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    public record Sample(double cpuSeconds, long rssKib) {}

    private ProcessStats() {}

    public static Sample of(List<Long> pids) {
        double cpu = 0;
        long rss = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                cpu += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss += Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended between listing and reading
            }
        }
        return new Sample(cpu, rss);
    }

    /** CPU seconds spent so far by every process whose command name is {@code name} (e.g. all of PostgreSQL). */
    public static double cpuSeconds(String name) {
        return of(named(name)).cpuSeconds();
    }

    /** Processes whose command name is {@code name} (e.g. every PostgreSQL backend). */
    public static List<Long> named(String name) {
        try (var dirs = Files.list(Path.of("/proc"))) {
            return dirs.filter(dir -> dir.getFileName().toString().matches("\\d+"))
                    .filter(dir -> {
                        try {
                            return Files.readString(dir.resolve("comm")).strip().equals(name);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .map(dir -> Long.parseLong(dir.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
