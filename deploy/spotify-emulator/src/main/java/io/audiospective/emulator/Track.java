package io.audiospective.emulator;

import java.util.List;

/** @param artistIndexes main artist first, then featured artists */
public record Track(
        int index,
        String id,
        String name,
        int albumIndex,
        List<Integer> artistIndexes,
        int durationMs,
        int trackNumber,
        boolean explicit,
        String isrc,
        int popularity) {}
