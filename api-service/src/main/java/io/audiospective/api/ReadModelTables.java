package io.audiospective.api;

import java.util.List;

/**
 * The table names of one read-model generation. Generation 0 uses the plain names; a replay builds generation N
 * into tables suffixed {@code _gN}.
 */
public record ReadModelTables(int generation) {

    /** Every generational table; a new rollup table added here is filled by the next replay. */
    public static final List<String> BASE_NAMES = List.of(
            "plays",
            "track_days",
            "artist_days",
            "album_days",
            "hour_days",
            "track_totals",
            "artist_totals",
            "album_totals",
            "sessions",
            "track_months",
            "track_years",
            "artist_months",
            "artist_years",
            "album_months",
            "album_years",
            "hour_months",
            "hour_years",
            "listening_days");

    /** The tiers above the day rollups: the column naming a tier's bucket (its first day) is the tier's name. */
    public static final List<String> TIERS = List.of("month", "year");

    public String name(String base) {
        if (!BASE_NAMES.contains(base)) {
            throw new IllegalArgumentException("Not a read-model table: " + base);
        }
        return generation == 0 ? base : base + "_g" + generation;
    }

    public String plays() {
        return name("plays");
    }

    public String trackDays() {
        return name("track_days");
    }

    public String artistDays() {
        return name("artist_days");
    }

    public String albumDays() {
        return name("album_days");
    }

    public String hourDays() {
        return name("hour_days");
    }

    /** One row per member and local day with plays: the hour rollup summed over its hours (timelines, streaks). */
    public String listeningDays() {
        return name("listening_days");
    }

    public String trackTotals() {
        return name("track_totals");
    }

    public String artistTotals() {
        return name("artist_totals");
    }

    public String albumTotals() {
        return name("album_totals");
    }

    public String sessions() {
        return name("sessions");
    }

    /** Replaces {@code {plays}}, {@code {track_days}}, ... in {@code sql} with this generation's names. */
    public String sql(String sql) {
        String result = sql;
        for (String base : BASE_NAMES) {
            result = result.replace("{" + base + "}", name(base));
        }
        return result;
    }
}
