package io.audiospective.auth;

/** What a member can unsubscribe from, one switch per category in the mail settings. */
public enum MailCategory {
    /** Reminders before the Spotify authorisation runs out, and the notice when it did. */
    REAUTH,
    /** An upload of listening history finished importing, or failed. */
    IMPORTS
}
