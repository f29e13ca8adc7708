package io.audiospective.archive.imports;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.audiospective.archive.imports.ImportRepository.Entry;
import io.audiospective.archive.repository.OutboxRepository;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.TrackRef;

/**
 * Archives imported entries exactly like polled plays (same {@code play_events}, same outbox, so the same
 * {@code plays} events), with source IMPORT. The chunk claim, the merge, the pending rows, the outbox rows and the
 * totals are one transaction: a chunk is archived wholly once or not at all.
 */
@ApplicationScoped
public class ImportArchiver {

    private static final String TRACK_URI = "spotify:track:";

    private final ImportRepository imports;
    private final OutboxRepository outbox;

    ImportArchiver(ImportRepository imports, OutboxRepository outbox) {
        this.imports = imports;
        this.outbox = outbox;
    }

    /** @return the import's totals after this chunk, null when the chunk was archived before */
    @Transactional
    public ImportProgress archive(ImportChunk chunk) {
        if (!imports.claimChunk(chunk.importId(), chunk.sequence())) {
            return null;
        }
        List<Entry> entries = new ArrayList<>();
        long failed = 0;
        for (ImportEntry entry : chunk.entries()) {
            String trackId = trackId(entry.trackUri());
            if (trackId == null) {
                failed++;
            } else {
                entries.add(new Entry(chunk.userId(), entry.endedAt(), trackId, entry.msPlayed()));
            }
        }
        Set<String> ids = new HashSet<>();
        entries.forEach(e -> ids.add(e.trackId()));
        Map<String, TrackRef> known = imports.knownTracks(ids);
        List<Entry> ready = entries.stream().filter(e -> known.containsKey(e.trackId())).toList();
        List<Entry> waiting = entries.stream().filter(e -> !known.containsKey(e.trackId())).toList();

        List<Entry> fresh = imports.insertUnmatched(chunk.importId(), ready);
        outbox.addPlays(events(chunk.importId(), fresh, known));
        int pending = imports.addPending(chunk.importId(), waiting);
        long duplicates = ready.size() - fresh.size() + (waiting.size() - pending);
        return imports.addCounts(chunk.importId(), chunk.userId(), 1, fresh.size(), duplicates, pending, failed);
    }

    /** Archives pending entries whose track the catalogue knows now; returns one report per import touched. */
    @Transactional
    public List<ImportProgress> resolvePending(int limit) {
        List<Object[]> rows = imports.lockResolvable(limit);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, List<Entry>> byImport = new java.util.TreeMap<>();
        Map<String, String> users = new java.util.HashMap<>();
        for (Object[] row : rows) {
            Entry entry = new Entry((String) row[0], ImportRepository.toInstant(row[1]), (String) row[2],
                    ((Number) row[3]).longValue());
            byImport.computeIfAbsent((String) row[4], k -> new ArrayList<>()).add(entry);
            users.put((String) row[4], entry.userId());
        }
        List<ImportProgress> reports = new ArrayList<>();
        for (Map.Entry<String, List<Entry>> group : byImport.entrySet()) {
            String importId = group.getKey();
            List<Entry> entries = group.getValue();
            Set<String> ids = new HashSet<>();
            entries.forEach(e -> ids.add(e.trackId()));
            Map<String, TrackRef> known = imports.knownTracks(ids);
            imports.deletePending(entries);
            List<Entry> fresh = imports.insertUnmatched(importId, entries);
            outbox.addPlays(events(importId, fresh, known));
            reports.add(imports.addCounts(importId, users.get(importId), 0, fresh.size(),
                    entries.size() - fresh.size(), -entries.size(), 0));
        }
        return reports;
    }

    @Transactional
    public List<ImportProgress> failTrack(String trackId) {
        return imports.failTrack(trackId);
    }

    private static List<PlayEvent> events(String importId, List<Entry> fresh, Map<String, TrackRef> tracks) {
        return fresh.stream().map(e -> new PlayEvent(PlayEvent.CURRENT_VERSION, e.userId(), e.playedAt(),
                tracks.get(e.trackId()), e.msPlayed(), PlaySource.IMPORT, importId)).toList();
    }

    /** The id of a {@code spotify:track:<id>} URI, null for anything else (episodes, local files, garbage). */
    static String trackId(String uri) {
        if (uri == null || !uri.startsWith(TRACK_URI)) {
            return null;
        }
        String id = uri.substring(TRACK_URI.length());
        return id.matches("[0-9A-Za-z]{1,64}") ? id : null;
    }
}
