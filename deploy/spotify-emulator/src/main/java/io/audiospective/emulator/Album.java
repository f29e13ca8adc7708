package io.audiospective.emulator;

import java.util.List;

/**
 * @param albumType album, single or compilation
 * @param releaseDatePrecision year, month or day
 */
public record Album(
        int index,
        String id,
        String name,
        String albumType,
        int artistIndex,
        List<Integer> trackIndexes,
        String releaseDate,
        String releaseDatePrecision,
        String label,
        String upc,
        int popularity,
        String imageKey) {}
