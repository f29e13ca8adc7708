package io.audiospective.emulator.service;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/** Per-client limit over a rolling 30 s window, like Spotify's per-app limit. */
@ApplicationScoped
public class RateLimiter {

    public static final long WINDOW_MS = 30_000L;

    private final Map<String, ArrayDeque<Long>> windows = new ConcurrentHashMap<>();

    /**
     * Records a request of {@code clientId} at {@code nowMs} if the window has room.
     *
     * @return 0 when accepted, else the seconds until the window has room again (Retry-After)
     */
    public long tryAcquire(String clientId, long nowMs, int limit) {
        if (limit <= 0) {
            return 0;
        }
        ArrayDeque<Long> window = windows.computeIfAbsent(clientId, k -> new ArrayDeque<>());
        synchronized (window) {
            while (!window.isEmpty() && window.peekFirst() <= nowMs - WINDOW_MS) {
                window.pollFirst();
            }
            while (window.size() > limit) {
                window.pollFirst(); // the limit was lowered
            }
            if (window.size() < limit) {
                window.addLast(nowMs);
                return 0;
            }
            long freeAt = window.peekFirst() + WINDOW_MS;
            return Math.max(1, (freeAt - nowMs + 999) / 1000);
        }
    }

    public void reset() {
        windows.clear();
    }
}
