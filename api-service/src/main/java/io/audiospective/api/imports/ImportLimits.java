package io.audiospective.api.imports;

import java.time.Duration;

import io.audiospective.support.rest.ProblemException;

/** The problems an upload over one of the import limits is refused with; nothing of it is sent. */
final class ImportLimits {

    static final String TOO_LARGE = "urn:audiospective:problem:import-too-large";
    static final String TOO_MANY_UNKNOWN_TRACKS = "urn:audiospective:problem:import-too-many-unknown-tracks";
    static final String TOO_MANY_RUNNING = "urn:audiospective:problem:too-many-imports-running";
    /** An import of a year's history is archived within a minute: when a refused upload is worth trying again. */
    static final Duration RUNNING_IMPORT_CHECK_AGAIN = Duration.ofSeconds(60);

    private static final String SPLIT = " Nothing was imported: upload the export's history files in several smaller"
            + " imports (for example one Streaming_History_Audio_*.json file at a time).";

    private ImportLimits() {}

    /** Over the decompressed bytes limit while reading, so the upload's real size is unknown. */
    static ProblemException tooManyBytes(String file, long limit) {
        return new ProblemException(
                413,
                TOO_LARGE,
                file + ": the upload holds more than " + format(limit)
                        + " bytes once decompressed, the limit per import." + SPLIT);
    }

    /** Over the decompressed bytes limit with a plain file whose size is known. */
    static ProblemException tooManyBytes(String file, long limit, long actual) {
        return new ProblemException(
                413,
                TOO_LARGE,
                file + ": the upload holds at least " + format(actual) + " bytes, more than the limit of "
                        + format(limit) + " bytes per import." + SPLIT);
    }

    static ProblemException tooManyEntries(String file, long limit) {
        return new ProblemException(
                413,
                TOO_LARGE,
                file + ": the upload holds more than " + format(limit) + " entries, the limit per import." + SPLIT);
    }

    static ProblemException tooManyUnknownTracks(long limit, long found) {
        return new ProblemException(
                422,
                TOO_MANY_UNKNOWN_TRACKS,
                "The upload's plays name at least "
                        + format(found) + " distinct tracks this archive does not know yet, more than the limit of "
                        + format(limit) + " per import (the details of every new track are fetched from Spotify)."
                        + " Nothing was imported: upload the history in smaller parts (for example one year's file at a"
                        + " time) and wait until each import is DONE before the next.");
    }

    static ProblemException tooManyRunning(long limit, long running) {
        String imports = running == 1 ? "1 import of yours is" : format(running) + " imports of yours are";
        return ProblemException.tooManyRequests(
                TOO_MANY_RUNNING,
                imports + " still running (SENDING or IMPORTING),"
                        + " the limit is " + format(limit)
                        + " at a time. Nothing was imported: wait until one of them is DONE"
                        + " or FAILED (GET /api/v1/me/imports), then upload again.",
                RUNNING_IMPORT_CHECK_AGAIN);
    }

    private static String format(long number) {
        return String.format(java.util.Locale.ROOT, "%,d", number);
    }
}
