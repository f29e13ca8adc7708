package io.audiospective.auth;

/** The mails auth-service sends, each in the category a member can turn off. */
public enum MailKind {
    /** The Spotify authorisation runs out in a few days (30, 7 and 1 by default). */
    REAUTH_REMINDER(MailCategory.REAUTH),
    /** The authorisation ran out: polling stopped until the member reconnects. */
    NEEDS_REAUTH(MailCategory.REAUTH),
    /** To a waitlist address: follow the link to confirm it is yours. Asked for, so no category to turn off. */
    WAITLIST_CONFIRMATION(null),
    /** To an admitted waitlist entry: a seat is reserved, the link claims it before the claim expires. */
    WAITLIST_CLAIM(null),
    /** An import job of api-service is DONE: how many plays it imported. */
    IMPORT_DONE(MailCategory.IMPORTS),
    /** An import job of api-service FAILED: why, and what to do. */
    IMPORT_FAILED(MailCategory.IMPORTS),
    /** The previous month's listening, from api-service's statistics; only to members who turned it on. */
    MONTHLY_SUMMARY(MailCategory.MONTHLY_SUMMARY);

    private final MailCategory category;

    MailKind(MailCategory category) {
        this.category = category;
    }

    /** The category a member can turn off; null for a mail the recipient asked for. */
    public MailCategory category() {
        return category;
    }
}
