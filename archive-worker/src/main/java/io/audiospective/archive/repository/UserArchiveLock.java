package io.audiospective.archive.repository;

/**
 * The per-user lock every writer of a user's plays takes first in its transaction (a PostgreSQL advisory lock, two-int
 * form). A poll and an import of the same user each decide "is this play archived already?" from what they see: run
 * side by side, neither sees the other's uncommitted play and both insert it, a few hundred milliseconds apart (a file
 * has second precision, Spotify's recently-played milliseconds).
 */
public final class UserArchiveLock {

    /** Key space of the locks: "IMPT". */
    public static final int SPACE = 0x494D5054;

    /** Waits for the lock of the user bound to the one parameter; held until the transaction ends. */
    public static final String ACQUIRE = "SELECT pg_advisory_xact_lock(" + SPACE + ", hashtext(?))";

    private UserArchiveLock() {}
}
