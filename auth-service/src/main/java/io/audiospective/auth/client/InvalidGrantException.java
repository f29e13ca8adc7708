package io.audiospective.auth.client;

/** Spotify no longer accepts the refresh token (revoked, rotated away or expired): the user must sign in again. */
public class InvalidGrantException extends RuntimeException {

    public InvalidGrantException(String description) {
        super("Spotify refused the refresh token: " + description);
    }
}
