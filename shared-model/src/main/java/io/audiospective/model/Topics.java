package io.audiospective.model;

/** Kafka topic names shared by every service. */
public final class Topics {

    public static final String ARCHIVE_BATCHES = "archive.batches";
    public static final String ARCHIVE_OUTCOMES = "archive.outcomes";
    public static final String PLAYS = "plays";
    public static final String USERS = "users";
    public static final String IMPORTS = "imports";
    /** The worker's per-import totals ({@link ImportProgress}), consumed by api-service. */
    public static final String IMPORTS_PROGRESS = "imports.progress";
    /** An import job ended, DONE or FAILED ({@link ImportOutcome}): api-service out, auth-service's mails in. */
    public static final String IMPORT_OUTCOMES = "imports.outcomes";
    /**
     * Every artist's details as the archive last fetched them ({@link CatalogueArtist}), keyed by artist id and
     * compacted: a new consumer or a replay reads each artist's latest details from the beginning.
     */
    public static final String CATALOGUE_ARTISTS = "catalogue.artists";

    private Topics() {}

    /** The dead-letter topic of {@code topic}: where records that could not be processed go, with the reason. */
    public static String deadLetter(String topic) {
        return topic + ".dlq";
    }
}
