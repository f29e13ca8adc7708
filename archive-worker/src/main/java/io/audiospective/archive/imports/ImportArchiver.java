package io.audiospective.archive.imports;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.audiospective.archive.repository.CatalogueRepository;
import io.audiospective.archive.repository.CatalogueRepository.NamedTrack;
import io.audiospective.archive.repository.ImportJobRepository;
import io.audiospective.archive.repository.ImportMergeRepository;
import io.audiospective.archive.repository.ImportMergeRepository.Entry;
import io.audiospective.archive.repository.ImportMergeRepository.Merged;
import io.audiospective.archive.repository.ImportMergeRepository.NameMatch;
import io.audiospective.archive.repository.ImportMergeRepository.Named;
import io.audiospective.archive.repository.ImportPendingRepository;
import io.audiospective.archive.repository.ImportPendingRepository.Described;
import io.audiospective.archive.repository.ImportPendingRepository.FailedEntries;
import io.audiospective.archive.repository.ImportPendingRepository.PendingEntry;
import io.audiospective.archive.repository.ImportProgressRepository;
import io.audiospective.archive.repository.ImportProgressRepository.Counts;
import io.audiospective.archive.repository.UnmatchedEntryRepository;
import io.audiospective.archive.repository.UnmatchedEntryRepository.UnmatchedEntry;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.ImportProgress;

/**
 * Archives imported entries exactly like polled plays (same {@code play_events}, same outbox, so the same
 * {@code plays} events), with source IMPORT. The chunk claims, the merge, the pending rows, the outbox rows and the
 * totals are one transaction: a chunk is archived wholly once or not at all.
 * <p>
 * Entries with a track URI are merged by track id (see {@link ImportMergeRepository#merge}); a track the catalogue does
 * not know yet is added as the file names it (provisional album and artist), so its plays are archived and visible at
 * once, and {@link ImportMetadataJob} completes it from Spotify later ({@link #publishDescribed}). Entries of account-data
 * files carry names only: they are matched by name, first against the user's archived plays of that minute (a
 * duplicate), then against the catalogue; a match is stored in the middle of its minute with minute precision, and
 * entries matching no track are kept in {@code import_unmatched} and counted as unmatched with the reason, until a
 * track with their names enters the catalogue ({@link #retryUnmatched}).
 */
@ApplicationScoped
public class ImportArchiver {

    private static final String TRACK_URI = "spotify:track:";
    /** Reason of account-data entries whose names match no track of the catalogue. */
    public static final String NO_CATALOGUE_MATCH = "no catalogue match";

    private static final Duration MID_MINUTE = Duration.ofSeconds(30);
    private static final Duration SAME_PLAY = Duration.ofSeconds(10);
    private static final int PLACEMENT_TRIES = 5;
    /** Spotify's launch: no stream can have ended before it. */
    static final Instant SPOTIFY_LAUNCH = Instant.parse("2008-10-07T00:00:00Z");
    /** Clocks of the devices that wrote the history may run a little ahead. */
    static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);

    static final long MAX_MS_PLAYED = Duration.ofHours(24).toMillis();
    private static final String UNKNOWN_ARTIST = "(unknown artist)";
    private static final String UNKNOWN_ALBUM = "(unknown album)";

    private final ImportJobRepository jobs;
    private final ImportMergeRepository merges;
    private final ImportPendingRepository pending;
    private final UnmatchedEntryRepository unmatchedEntries;
    private final ImportProgressRepository progress;
    private final CatalogueRepository catalogue;
    private final Clock clock;

    ImportArchiver(
            ImportJobRepository jobs,
            ImportMergeRepository merges,
            ImportPendingRepository pending,
            UnmatchedEntryRepository unmatchedEntries,
            ImportProgressRepository progress,
            CatalogueRepository catalogue,
            Clock clock) {
        this.jobs = jobs;
        this.merges = merges;
        this.pending = pending;
        this.unmatchedEntries = unmatchedEntries;
        this.progress = progress;
        this.catalogue = catalogue;
        this.clock = clock;
    }

    /**
     * Archives polled chunks together: the chunks not archived before are claimed, and each import's chunks of the
     * batch are merged as one (one statement for all their entries, one update of the totals).
     *
     * @return one report per import touched: its totals after these chunks
     */
    @Transactional
    public List<ImportProgress> archive(List<ImportChunk> chunks) {
        List<ImportChunk> entries =
                chunks.stream().filter(chunk -> !chunk.undo()).toList();
        List<ImportChunk> undos = chunks.stream().filter(ImportChunk::undo).toList();
        Map<String, List<ImportChunk>> byImport = new LinkedHashMap<>();
        if (!entries.isEmpty()) {
            java.util.Set<String> undone = jobs.undone(
                    entries.stream().map(ImportChunk::importId).distinct().toList());
            for (ImportChunk chunk : jobs.claimChunks(entries)) {
                if (!undone.contains(chunk.importId())) {
                    byImport.computeIfAbsent(chunk.importId(), id -> new ArrayList<>())
                            .add(chunk);
                }
            }
        }
        // each user's merge lock, in one order for every replica: two batches never wait for each other in a cycle
        java.util.stream.Stream.concat(
                        byImport.values().stream().map(group -> group.get(0).userId()),
                        undos.stream().map(ImportChunk::userId))
                .distinct()
                .sorted()
                .forEach(merges::withoutJitLockingUser);
        List<ImportProgress> reports = new ArrayList<>(byImport.size() + undos.size());
        byImport.values().forEach(group -> reports.add(archiveImported(group)));
        // after the chunks: an undo follows every chunk of its import on the topic, so it comes last in a batch too
        undos.forEach(undo -> reports.add(jobs.undo(undo.importId(), undo.userId())));
        return reports;
    }

    /** The chunks of one import, claimed: merged as one list of entries. */
    private ImportProgress archiveImported(List<ImportChunk> chunks) {
        String importId = chunks.get(0).importId();
        String userId = chunks.get(0).userId();
        List<Entry> byId = new ArrayList<>();
        List<Named> byName = new ArrayList<>();
        Map<String, NamedTrack> namedTracks = new HashMap<>();
        long failed = 0;
        Instant latest = clock.instant().plus(FUTURE_TOLERANCE);
        for (ImportChunk chunk : chunks) {
            for (ImportEntry entry : chunk.entries()) {
                String trackId = trackId(entry.trackUri());
                // checked again here, whoever produced the chunk: such a play would poison every consumer
                if (entry.endedAt().isBefore(SPOTIFY_LAUNCH)
                        || entry.endedAt().isAfter(latest)
                        || entry.msPlayed() > MAX_MS_PLAYED) {
                    failed++;
                } else if (trackId != null) {
                    byId.add(new Entry(userId, entry.endedAt(), trackId, entry.msPlayed()));
                    if (hasText(entry.trackName())) {
                        namedTracks.putIfAbsent(
                                trackId,
                                new NamedTrack(
                                        trackId,
                                        entry.trackName(),
                                        hasText(entry.artistName()) ? entry.artistName() : UNKNOWN_ARTIST,
                                        hasText(entry.albumName()) ? entry.albumName() : UNKNOWN_ALBUM));
                    }
                } else if (entry.trackUri() == null && hasText(entry.trackName()) && hasText(entry.artistName())) {
                    byName.add(new Named(
                            entry.endedAt().truncatedTo(ChronoUnit.MINUTES),
                            entry.trackName(),
                            entry.artistName(),
                            entry.msPlayed()));
                } else {
                    failed++;
                }
            }
        }
        List<Entry> distinct = withoutRepeats(byId);
        catalogue.addFromFile(namedTracks.values());
        Merged merged = merges.merge(importId, userId, distinct, false);
        long imported = merged.inserted();
        long duplicates = merged.duplicates() + (byId.size() - distinct.size());
        long awaiting = merged.awaitingCatalogue();
        long without = merged.withoutCatalogue();
        Map<String, Long> unmatched = new TreeMap<>();
        if (!byName.isEmpty()) {
            NamedArchived named = archiveNamed(importId, userId, byName, unmatched);
            imported += named.inserted();
            duplicates += named.duplicates();
            awaiting += named.awaitingCatalogue();
            without += named.withoutCatalogue();
        }
        return progress.addCounts(
                importId,
                userId,
                Counts.of(chunks.size(), imported, duplicates, merged.pendingAdded(), failed)
                        .withUnmatched(unmatched)
                        .withCatalogue(awaiting, without));
    }

    /**
     * Entries that repeat an earlier entry of the same merge (same track within 10 s) are duplicates: the set-based
     * merge compares entries with archived rows, not with each other.
     */
    static List<Entry> withoutRepeats(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::trackId).thenComparing(Entry::playedAt));
        List<Entry> kept = new ArrayList<>(sorted.size());
        Entry last = null;
        for (Entry entry : sorted) {
            if (last != null
                    && last.trackId().equals(entry.trackId())
                    && !entry.playedAt().isAfter(last.playedAt().plus(SAME_PLAY))) {
                continue;
            }
            kept.add(entry);
            last = entry;
        }
        return kept;
    }

    /**
     * @return the plays archived ({@code inserted}, and of those awaiting or without the catalogue) and the
     *         duplicates; unmatched entries are kept and added to {@code unmatched} by reason
     */
    private NamedArchived archiveNamed(
            String importId, String userId, List<Named> entries, Map<String, Long> unmatched) {
        List<NameMatch> matches = merges.matchNames(userId, entries);
        List<Named> notFound = new ArrayList<>();
        List<Entry> toInsert = new ArrayList<>();
        Map<Instant, Integer> perMinute = new HashMap<>();
        long duplicates = 0;
        for (int i = 0; i < entries.size(); i++) {
            Named entry = entries.get(i);
            NameMatch match = matches.get(i);
            if (match.duplicate()) {
                duplicates++;
            } else if (match.trackId() == null) {
                notFound.add(entry);
            } else {
                // several plays ending in the same minute get distinct instants (1 ms apart) in the middle of it
                int k = perMinute.merge(entry.minute(), 1, Integer::sum) - 1;
                toInsert.add(new Entry(
                        userId, entry.minute().plus(MID_MINUTE).plusMillis(k), match.trackId(), entry.msPlayed()));
            }
        }
        long imported = 0;
        long awaiting = 0;
        long without = 0;
        for (int round = 1; round <= PLACEMENT_TRIES && !toInsert.isEmpty(); round++) {
            Merged merged = merges.merge(importId, userId, toInsert, true);
            imported += merged.inserted();
            awaiting += merged.awaitingCatalogue();
            without += merged.withoutCatalogue();
            long shift = 100L * round;
            // not inserted: the instant was taken by another play (try a little later) or the probe found the play
            toInsert = toInsert.stream()
                    .filter(e -> !merged.insertedAt().contains(e.playedAt()))
                    .map(e -> new Entry(e.userId(), e.playedAt().plusMillis(shift), e.trackId(), e.msPlayed()))
                    .toList();
        }
        duplicates += toInsert.size();
        unmatchedEntries.addUnmatched(importId, userId, notFound, NO_CATALOGUE_MATCH);
        if (!notFound.isEmpty()) {
            unmatched.merge(NO_CATALOGUE_MATCH, (long) notFound.size(), Long::sum);
        }
        return new NamedArchived(imported, duplicates, awaiting, without);
    }

    /** What {@link #archiveNamed} did: plays archived (of those, awaiting or without the catalogue), duplicates. */
    private record NamedArchived(long inserted, long duplicates, long awaitingCatalogue, long withoutCatalogue) {}

    /** Archives pending entries whose track the catalogue knows now; returns one report per import touched. */
    @Transactional
    public List<ImportProgress> resolvePending(int limit) {
        List<PendingEntry> rows = pending.lockResolvable(limit);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, List<Entry>> byImport = new TreeMap<>();
        Map<String, String> users = new HashMap<>();
        for (PendingEntry row : rows) {
            byImport.computeIfAbsent(row.importId(), k -> new ArrayList<>()).add(row.entry());
            users.put(row.importId(), row.entry().userId());
        }
        // a poll of the same user archiving the same play meanwhile would not see this merge's play, nor it the poll's
        users.values().stream().distinct().sorted().forEach(merges::withoutJitLockingUser);
        List<ImportProgress> reports = new ArrayList<>();
        for (Map.Entry<String, List<Entry>> group : byImport.entrySet()) {
            String importId = group.getKey();
            List<Entry> entries = group.getValue();
            pending.deletePending(entries);
            Merged merged = merges.merge(importId, users.get(importId), entries, false);
            reports.add(progress.addCounts(
                    importId,
                    users.get(importId),
                    Counts.of(0, merged.inserted(), entries.size() - merged.inserted(), -entries.size(), 0)));
        }
        return reports;
    }

    /**
     * Settles archived plays of tracks described since ({@link ImportPendingRepository#takeDescribed}): plays of a track
     * Spotify described are published again, complete (consumers replace the provisional version of each play);
     * plays of a track Spotify does not know keep the file's names and are counted so. Returns one report per import
     * touched.
     */
    @Transactional
    public List<ImportProgress> publishDescribed(int tracks, Duration settle) {
        List<Described> plays = pending.takeDescribed(tracks, settle);
        Map<String, List<Described>> byImport = new TreeMap<>();
        plays.forEach(play -> byImport.computeIfAbsent(play.importId(), k -> new ArrayList<>())
                .add(play));
        List<ImportProgress> reports = new ArrayList<>();
        for (List<Described> group : byImport.values()) {
            String importId = group.get(0).importId();
            String userId = group.get(0).userId();
            List<Entry> complete = group.stream()
                    .filter(play -> !play.unavailable())
                    .map(play -> new Entry(userId, play.playedAt(), play.trackId(), play.msPlayed()))
                    .toList();
            if (!complete.isEmpty()) {
                pending.republish(userId, importId, complete);
            }
            long unavailable = group.size() - complete.size();
            reports.add(progress.addCounts(
                    importId, userId, Counts.of(0, 0, 0, 0, 0).withCatalogue(-group.size(), unavailable)));
        }
        return reports;
    }

    /**
     * Archives unmatched account-data entries that were flagged because a track with their names entered the
     * catalogue since, exactly as a first attempt would: the rows are taken out of {@code import_unmatched} and go
     * through {@link #archiveNamed} again per import (duplicate check, mid-minute placement, outbox), so each becomes
     * a play or a duplicate, and an entry that still matches nothing is kept again. Each import's unmatched count
     * goes down by the entries taken. Returns one report per import touched.
     */
    @Transactional
    public List<ImportProgress> retryUnmatched(int maxUsers, int limit) {
        List<UnmatchedEntry> rows = unmatchedEntries.lockRetriable(maxUsers, limit);
        if (rows.isEmpty()) {
            return List.of();
        }
        merges.withoutJit();
        List<Long> ids = new ArrayList<>(rows.size());
        Map<String, List<Named>> byImport = new TreeMap<>();
        Map<String, String> users = new HashMap<>();
        for (UnmatchedEntry row : rows) {
            ids.add(row.id());
            byImport.computeIfAbsent(row.importId(), k -> new ArrayList<>()).add(row.entry());
            users.put(row.importId(), row.userId());
        }
        unmatchedEntries.deleteUnmatched(ids);
        List<ImportProgress> reports = new ArrayList<>();
        for (Map.Entry<String, List<Named>> group : byImport.entrySet()) {
            String importId = group.getKey();
            Map<String, Long> unmatched = new TreeMap<>();
            NamedArchived named = archiveNamed(importId, users.get(importId), group.getValue(), unmatched);
            unmatched.merge(NO_CATALOGUE_MATCH, -(long) group.getValue().size(), Long::sum);
            reports.add(progress.addCounts(
                    importId,
                    users.get(importId),
                    Counts.of(0, named.inserted(), named.duplicates(), 0, 0)
                            .withUnmatched(unmatched)
                            .withCatalogue(named.awaitingCatalogue(), named.withoutCatalogue())));
        }
        return reports;
    }

    /**
     * Spotify does not know the track: archived plays keep the file's names ({@link #publishDescribed} counts them),
     * entries not archived because their file does not name the track fail.
     */
    @Transactional
    public List<ImportProgress> unavailableTrack(String trackId) {
        catalogue.markUnavailable(trackId);
        List<ImportProgress> reports = new ArrayList<>();
        for (FailedEntries failed : pending.failTrack(trackId)) {
            reports.add(progress.addCounts(
                    failed.importId(), failed.userId(), Counts.of(0, 0, 0, -failed.count(), failed.count())));
        }
        return reports;
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

    /** The id of a {@code spotify:track:<id>} URI, null for anything else (episodes, local files, garbage). */
    static String trackId(String uri) {
        if (uri == null || !uri.startsWith(TRACK_URI)) {
            return null;
        }
        String id = uri.substring(TRACK_URI.length());
        if (id.isEmpty() || id.length() > 64) {
            return null;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                return null;
            }
        }
        return id;
    }
}
