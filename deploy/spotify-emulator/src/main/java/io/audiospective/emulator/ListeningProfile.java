package io.audiospective.emulator;

/** How much a synthetic user listens. */
public enum ListeningProfile {
    /** Never plays anything. */
    IDLE,
    /** A few sessions a day of about 15 plays per hour. */
    TYPICAL,
    /** Long sessions skipping through tracks: more than 50 plays per hour. */
    HEAVY;

    public static ListeningProfile parse(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
