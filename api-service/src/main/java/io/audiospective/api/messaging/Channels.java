package io.audiospective.api.messaging;

/** Reactive Messaging channel names of api-service. */
public final class Channels {

    /** Incoming {@link io.audiospective.model.Topics#PLAYS}, feeding the read model. */
    public static final String PLAYS = "plays";

    /** Incoming {@link io.audiospective.model.Topics#USERS}: profile, archive state, deletion purge. */
    public static final String USERS = "users";

    /** Incoming {@link io.audiospective.model.Topics#ARCHIVE_OUTCOMES}: last successful poll, admin overview. */
    public static final String OUTCOMES = "archive-outcomes";

    /** Outgoing {@link io.audiospective.model.Topics#IMPORTS}: chunks of uploaded history entries. */
    public static final String IMPORTS = "imports";

    /** Incoming {@link io.audiospective.model.Topics#IMPORTS_PROGRESS}: the worker's totals per import. */
    public static final String IMPORTS_PROGRESS = "imports-progress";

    /** Outgoing {@link io.audiospective.model.Topics#IMPORT_OUTCOMES}: import jobs that ended, DONE or FAILED. */
    public static final String IMPORT_OUTCOMES = "import-outcomes";

    /** Incoming {@link io.audiospective.model.Topics#CATALOGUE_ARTISTS}: artists' genres and pictures. */
    public static final String CATALOGUE_ARTISTS = "catalogue-artists";

    /** Incoming: every {@code <topic>.dlq} (a topic pattern), collected for the admin overview and re-drives. */
    public static final String DEAD_LETTERS = "dead-letters";

    private Channels() {}
}
