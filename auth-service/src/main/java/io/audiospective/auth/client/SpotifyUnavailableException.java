package io.audiospective.auth.client;

/** Spotify's accounts service could not be used right now (unreachable, 429, 5xx): worth retrying later. */
public class SpotifyUnavailableException extends RuntimeException {

    public SpotifyUnavailableException(String message) {
        super(message);
    }
}
