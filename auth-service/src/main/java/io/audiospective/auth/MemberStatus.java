package io.audiospective.auth;

/** Where a member stands with Spotify. */
public enum MemberStatus {
    /** Authorised; the workers can get access tokens. */
    ACTIVE,
    /** Spotify refused the refresh token; the member must sign in again. */
    NEEDS_REAUTH,
    /** The member deleted their account. */
    DELETED
}
