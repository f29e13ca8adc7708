package io.audiospective.archive.client;

/** Spotify answered 401: the access token is no longer valid. */
public class ExpiredAccessTokenException extends RuntimeException {

    public ExpiredAccessTokenException() {
        super("Spotify refused the access token");
    }
}
