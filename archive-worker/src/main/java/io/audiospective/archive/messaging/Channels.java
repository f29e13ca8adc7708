package io.audiospective.archive.messaging;

/** Reactive Messaging channel names of archive-worker. */
public final class Channels {

    /** Outgoing {@link io.audiospective.model.Topics#ARCHIVE_OUTCOMES}: how each user's poll went. */
    public static final String ARCHIVE_OUTCOMES = "archive-outcomes";

    /** Outgoing {@link io.audiospective.model.Topics#PLAYS}: archived plays, relayed from the outbox. */
    public static final String PLAYS = "plays";

    /** Incoming {@link io.audiospective.model.Topics#USERS}: deleted users are purged. */
    public static final String USERS = "users";

    /** Incoming {@link io.audiospective.model.Topics#IMPORTS}: chunks of imported history entries. */
    public static final String IMPORTS = "imports";

    /** Outgoing {@link io.audiospective.model.Topics#IMPORTS_PROGRESS}: per-import totals for api-service. */
    public static final String IMPORTS_PROGRESS = "imports-progress";

    /**
     * Outgoing {@link io.audiospective.model.Topics#CATALOGUE_ARTISTS}: artists' details (genres, picture), relayed
     * from the outbox like plays.
     */
    public static final String CATALOGUE_ARTISTS = "catalogue-artists";

    private Channels() {}
}
