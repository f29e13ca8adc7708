package io.audiospective.api.imports;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

import io.audiospective.model.ImportEntry;

/**
 * Counts the distinct tracks of an upload's plays that the catalogue does not know (the worker fetches each one's
 * details from Spotify). Ids are looked up in batches while the first pass reads, so a flood of made-up ids is
 * refused early and memory holds only the known ids plus at most the limit's worth of unknown ones.
 */
final class UnknownTracks {

    static final int BATCH = 10_000;

    private final long limit;
    /** How many of the given ids the catalogue knows. */
    private final ToLongFunction<List<String>> knownInCatalogue;

    private final Set<String> seen = new HashSet<>();
    private final List<String> unchecked = new ArrayList<>(BATCH);
    private long unknown;

    UnknownTracks(long limit, ToLongFunction<List<String>> knownInCatalogue) {
        this.limit = limit;
        this.knownInCatalogue = knownInCatalogue;
    }

    /** Notes a play's track (account-data plays carry none). */
    void add(ImportEntry play) {
        String uri = play.trackUri();
        if (uri == null) {
            return;
        }
        String id = uri.substring(EntryRules.TRACK_URI_PREFIX.length());
        if (seen.add(id)) {
            unchecked.add(id);
            if (unchecked.size() == BATCH) {
                check();
            }
        }
    }

    /** Looks up the ids not checked yet; refuses the upload when the unknown ones are over the limit. */
    void check() {
        if (unchecked.isEmpty()) {
            return;
        }
        unknown += unchecked.size() - knownInCatalogue.applyAsLong(unchecked);
        unchecked.clear();
        if (unknown > limit) {
            throw ImportLimits.tooManyUnknownTracks(limit, unknown);
        }
    }
}
