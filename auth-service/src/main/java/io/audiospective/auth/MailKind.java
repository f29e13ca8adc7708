package io.audiospective.auth;

/** The mails auth-service sends, each in the category a member can turn off. */
public enum MailKind {
    /** The Spotify authorisation runs out in a few days (30, 7 and 1 by default). */
    REAUTH_REMINDER(MailCategory.REAUTH),
    /** The authorisation ran out: polling stopped until the member reconnects. */
    NEEDS_REAUTH(MailCategory.REAUTH);

    private final MailCategory category;

    MailKind(MailCategory category) {
        this.category = category;
    }

    public MailCategory category() {
        return category;
    }
}
