package io.audiospective.emulator.service;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

/** Requests by endpoint (method + path template) and status. */
@ApplicationScoped
public class Counters {

    private final Map<String, Map<Integer, LongAdder>> counts = new ConcurrentHashMap<>();

    public void count(String endpoint, int status) {
        counts.computeIfAbsent(endpoint, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, k -> new LongAdder())
                .increment();
    }

    public Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        counts.forEach((endpoint, byStatus) -> {
            Map<String, Long> m = new TreeMap<>();
            byStatus.forEach((status, n) -> m.put(String.valueOf(status), n.sum()));
            out.put(endpoint, m);
        });
        return out;
    }

    public void reset() {
        counts.clear();
    }
}
