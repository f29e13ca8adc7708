package io.audiospective.model;

/** Where a play came from. */
public enum PlaySource {
    /** Polled from Spotify's recently-played. */
    POLL,
    /** Imported from a history file the user downloaded from Spotify. */
    IMPORT
}
