package io.audiospective.systemtest.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.audiospective.systemtest.ServiceProcess;

/**
 * How the work of a window was shared between replicas, from each process's own counters ({@code /q/metrics}):
 * polls and plays archived per archive-worker, records of {@code plays} folded per api-service.
 */
final class WorkShare {

    /** One process's counters at one moment. */
    record Counters(double polls, double playsArchived, double playsFolded) {

        Counters minus(Counters before) {
            return new Counters(
                    polls - before.polls, playsArchived - before.playsArchived, playsFolded - before.playsFolded);
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The counters of each named process. */
    Map<String, Counters> read(List<ServiceProcess> processes) throws IOException, InterruptedException {
        Map<String, Counters> counters = new LinkedHashMap<>();
        for (ServiceProcess process : processes) {
            counters.put(process.name(), read(process.url().resolve("/q/metrics")));
        }
        return counters;
    }

    private Counters read(URI metrics) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(metrics)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(metrics + " answered " + response.statusCode());
        }
        double polls = 0;
        double archived = 0;
        double folded = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("archive_polls_total{") && !line.contains("outcome=\"SKIPPED\"")) {
                polls += value(line);
            } else if (line.startsWith("archive_plays_archived_total")) {
                archived += value(line);
            } else if (line.startsWith("kafka_consumer_fetch_manager_records_consumed_total{")
                    && line.contains("topic=\"plays\"")) {
                folded += value(line);
            }
        }
        return new Counters(polls, archived, folded);
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
