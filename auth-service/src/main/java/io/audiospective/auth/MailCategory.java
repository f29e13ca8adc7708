package io.audiospective.auth;

/**
 * What a member can unsubscribe from, one switch per category in the mail settings. Each category has a default,
 * which holds until the member chooses: mails a member needs to keep their history are on, extras are off.
 */
public enum MailCategory {
    /** Reminders before the Spotify authorisation runs out, and the notice when it did. */
    REAUTH(true),
    /** An upload of listening history finished importing, or failed. */
    IMPORTS(true),
    /** The previous month's listening (plays, time, top artists and tracks); opt-in. */
    MONTHLY_SUMMARY(false);

    private final boolean onByDefault;

    MailCategory(boolean onByDefault) {
        this.onByDefault = onByDefault;
    }

    /** Whether a member who never chose gets this category's mails. */
    public boolean onByDefault() {
        return onByDefault;
    }
}
