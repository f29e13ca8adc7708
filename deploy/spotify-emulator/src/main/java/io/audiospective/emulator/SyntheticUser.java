package io.audiospective.emulator;

/**
 * A synthetic Spotify account. Its listening is a pure function of (world seed, id, seed, time).
 *
 * @param utcOffsetHours the user's time zone, shapes when sessions happen
 */
public record SyntheticUser(
        String id,
        String displayName,
        String email,
        String country,
        ListeningProfile profile,
        long seed,
        int utcOffsetHours) {}
