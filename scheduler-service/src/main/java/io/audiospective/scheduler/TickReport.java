package io.audiospective.scheduler;

import java.util.List;

/** What one tick of one replica did. */
public record TickReport(Status status, List<WindowResult> windows) {

    public enum Status {
        /** Every window that has ended is published. */
        UP_TO_DATE,
        /** Another replica holds the lane right now; this one published nothing more. */
        LANE_BUSY,
        /** Catching up: the per-tick window limit was reached, the next tick continues. */
        WINDOW_LIMIT
    }
}
