package io.audiospective.systemtest;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.audiospective.systemtest.EmulatorControl.TruePlay;

/**
 * Compares what the system archived (archive-worker's {@code play_events}) and what api-service serves (its
 * {@code plays} read model) with the emulator's ground truth, play by play ({@code (user, played_at, track)}).
 *
 * <p>For each user the window starts at the oldest play recently-played showed when the run began (older plays
 * were never visible) and ends with the plays visible at the cut-off. A play missing for a user who was
 * NEEDS_REAUTH counts as unavoidable only when it left the last 50 while the user could not be polled. A play
 * archived from an import carries its file's second precision: it stands for the true play of its track within
 * archive-worker's import tolerance, and a second row for that play is a duplicate.
 */
final class ArchiveAudit {

    /** When the run revoked a user's authorisation and when the user signed in again. */
    record ReauthPeriod(Instant revokedAt, Instant reauthorisedAt) {}

    record Result(
            long expected,
            long archived,
            List<String> missing,
            long unavoidable,
            long duplicated,
            long unexpected,
            long readModelMissing,
            long readModelExtra,
            List<String> readModelDifferences) {

        boolean exact() {
            return missing.isEmpty()
                    && duplicated == 0
                    && unexpected == 0
                    && readModelMissing == 0
                    && readModelExtra == 0;
        }
    }

    private static final Duration SAME_PLAY_TOLERANCE = Duration.ofSeconds(30);
    /** archive-worker's: an imported entry and a polled play of one track this close are one play. */
    private static final Duration IMPORT_TOLERANCE = Duration.ofSeconds(10);

    private static final int RECENTLY_PLAYED_SIZE = 50;

    private final LocalSystem system;
    private final EmulatorControl emulator;
    private final Duration pollingPeriod;

    /** Plays archived from this instant on are not yet expected in the read model. */
    private Instant readModelCutoff = Instant.now().plus(Duration.ofDays(3650));

    ArchiveAudit(LocalSystem system, EmulatorControl emulator, Duration pollingPeriod) {
        this.system = system;
        this.emulator = emulator;
        this.pollingPeriod = pollingPeriod;
    }

    /** The start of each user's window: the oldest play recently-played shows now. */
    Map<String, Instant> windowStarts(List<String> users, Instant now) {
        Map<String, Instant> starts = new HashMap<>();
        for (String user : users) {
            emulator.plays(user, now.minus(Duration.ofDays(21)), now).stream()
                    .filter(TruePlay::inRecentlyPlayed)
                    .map(TruePlay::playedAt)
                    .min(Instant::compareTo)
                    .ifPresentOrElse(oldest -> starts.put(user, oldest), () -> starts.put(user, now));
        }
        return starts;
    }

    /** How many expected plays are not archived yet (cheap enough to poll while the system drains). */
    long stillMissing(Map<String, Instant> windowStarts, Map<String, ReauthPeriod> reauth, Instant cutoff)
            throws SQLException {
        return audit(windowStarts, reauth, cutoff).missing().size();
    }

    /** From now on, only plays archived before {@code cutoff} must be in api-service's read model. */
    void settleReadModelAt(Instant cutoff) {
        this.readModelCutoff = cutoff;
    }

    /** How many archived plays api-service does not serve yet, or serves without the archive having them. */
    long readModelBehind(Map<String, Instant> windowStarts, Map<String, ReauthPeriod> reauth, Instant cutoff)
            throws SQLException {
        Result result = audit(windowStarts, reauth, cutoff);
        return result.readModelMissing() + result.readModelExtra();
    }

    Result audit(Map<String, Instant> windowStarts, Map<String, ReauthPeriod> reauth, Instant cutoff)
            throws SQLException {
        // polling goes on while this reads: what api-service serves is read first, since every play it serves was
        // archived before, and a play archived and served between two reads must not look like an extra one
        Map<String, Map<Long, String>> served = load("SELECT user_id, played_at, track_id FROM api.plays");
        Map<String, Map<Long, String>> archived = load("SELECT user_id, played_at, track_id FROM archive.play_events");
        Map<String, Map<Long, String>> imported =
                load("SELECT user_id, played_at, track_id FROM archive.play_events" + " WHERE source = 'IMPORT'");
        // plays archived after the read model's cut-off may still be on their way to api-service
        Map<String, Map<Long, String>> settled = load("SELECT user_id, played_at, track_id FROM archive.play_events"
                + " WHERE archived_at < timestamptz '" + readModelCutoff + "'");
        long expected = 0;
        long archivedCount = 0;
        long unavoidable = 0;
        long duplicated = 0;
        long unexpected = 0;
        long readModelMissing = 0;
        long readModelExtra = 0;
        List<String> missing = new ArrayList<>();
        List<String> readModelDifferences = new ArrayList<>();
        Instant truthEnd = Instant.now();
        for (Map.Entry<String, Instant> entry : windowStarts.entrySet()) {
            String user = entry.getKey();
            Instant from = entry.getValue();
            List<TruePlay> truth = emulator.plays(user, from, truthEnd);
            Map<Long, String> truthByTime = new HashMap<>();
            truth.forEach(play -> truthByTime.put(play.playedAtMs(), play.trackId()));
            Map<Long, String> userArchive = inWindow(archived.get(user), from);
            Map<Long, String> userImported = inWindow(imported.get(user), from);
            Map<Long, String> userServed = inWindow(served.get(user), from);
            archivedCount += userArchive.size();
            // which true play each archived row stands for: its exact instant, or for a row of an import (a file's
            // second precision) the play of its track within the import's tolerance
            Map<Long, Integer> rowsPerPlay = new HashMap<>();
            for (Map.Entry<Long, String> row : userArchive.entrySet()) {
                long at = row.getKey();
                String track = row.getValue();
                Optional<Long> standsFor = track.equals(truthByTime.get(at))
                        ? Optional.of(at)
                        : userImported.containsKey(at)
                                ? nearest(at, track, truth, IMPORT_TOLERANCE).map(TruePlay::playedAtMs)
                                : Optional.empty();
                if (standsFor.isPresent()) {
                    rowsPerPlay.merge(standsFor.get(), 1, Integer::sum);
                } else if (nearest(at, track, truth, SAME_PLAY_TOLERANCE).isPresent()) {
                    duplicated++;
                } else {
                    unexpected++;
                }
            }
            for (int rows : rowsPerPlay.values()) {
                duplicated += rows - 1;
            }
            for (TruePlay play : truth) {
                if (play.visibleAtMs() > cutoff.toEpochMilli()) {
                    continue;
                }
                expected++;
                if (rowsPerPlay.containsKey(play.playedAtMs())) {
                    continue;
                }
                if (reauth.containsKey(user) && leftRecentlyPlayedWhileUnauthorised(play, truth, reauth.get(user))) {
                    unavoidable++;
                } else {
                    missing.add(user + " " + play.playedAt() + " " + play.trackId());
                }
            }
            for (Map.Entry<Long, String> row : inWindow(settled.get(user), from).entrySet()) {
                if (!row.getValue().equals(userServed.get(row.getKey()))) {
                    readModelMissing++;
                    readModelDifferences.add("NOT SERVED " + user + " " + Instant.ofEpochMilli(row.getKey()) + " "
                            + row.getValue() + " (serves " + userServed.get(row.getKey()) + ")");
                }
            }
            for (Map.Entry<Long, String> row : userServed.entrySet()) {
                if (!row.getValue().equals(userArchive.get(row.getKey()))) {
                    readModelExtra++;
                    readModelDifferences.add("SERVED, NOT ARCHIVED " + user + " " + Instant.ofEpochMilli(row.getKey())
                            + " " + row.getValue() + " (archived " + userArchive.get(row.getKey()) + ")");
                }
            }
        }
        return new Result(
                expected,
                archivedCount,
                missing,
                unavoidable,
                duplicated,
                unexpected,
                readModelMissing,
                readModelExtra,
                readModelDifferences);
    }

    /**
     * The play dropped out of the newest 50 (its 50th newer play became visible) between one polling period
     * before the revocation and one after the new sign-in: no poll could have seen it.
     */
    private boolean leftRecentlyPlayedWhileUnauthorised(TruePlay play, List<TruePlay> truth, ReauthPeriod period) {
        List<Long> newerVisible = truth.stream()
                .filter(p -> p.playedAtMs() > play.playedAtMs())
                .map(TruePlay::visibleAtMs)
                .sorted()
                .toList();
        if (newerVisible.size() < RECENTLY_PLAYED_SIZE) {
            return false;
        }
        Instant leftAt = Instant.ofEpochMilli(Math.max(play.visibleAtMs(), newerVisible.get(RECENTLY_PLAYED_SIZE - 1)));
        Instant unauthorisedFrom = period.revokedAt().minus(pollingPeriod);
        Instant reachableAgain = period.reauthorisedAt() == null
                ? Instant.MAX
                : period.reauthorisedAt().plus(pollingPeriod);
        return !leftAt.isBefore(unauthorisedFrom) && leftAt.isBefore(reachableAgain);
    }

    /** The true play of {@code trackId} nearest to {@code playedAtMs}, if one lies within {@code tolerance}. */
    private static Optional<TruePlay> nearest(
            long playedAtMs, String trackId, List<TruePlay> truth, Duration tolerance) {
        return truth.stream()
                .filter(p ->
                        p.trackId().equals(trackId) && Math.abs(p.playedAtMs() - playedAtMs) <= tolerance.toMillis())
                .min(Comparator.comparingLong(p -> Math.abs(p.playedAtMs() - playedAtMs)));
    }

    private static Map<Long, String> inWindow(Map<Long, String> rows, Instant from) {
        Map<Long, String> window = new HashMap<>();
        if (rows != null) {
            rows.forEach((playedAt, track) -> {
                if (playedAt >= from.toEpochMilli()) {
                    window.put(playedAt, track);
                }
            });
        }
        return window;
    }

    private Map<String, Map<Long, String>> load(String sql) throws SQLException {
        Map<String, Map<Long, String>> rows = new HashMap<>();
        try (Connection connection = system.openDatabase();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.computeIfAbsent(result.getString(1), user -> new HashMap<>())
                        .put(result.getTimestamp(2).getTime(), result.getString(3));
            }
        }
        return rows;
    }
}
