package io.audiospective.api.rest;

import io.audiospective.support.rest.ProblemException;

/**
 * Numeric query parameters read as text and checked here, so a value that is not a number or is out of range is a
 * 400 problem that says what is allowed (a JAX-RS {@code Integer} parameter turns {@code limit=abc} into a 404).
 */
final class QueryParameters {

    private QueryParameters() {}

    /** A page size: {@code fallback} when absent, else a whole number from 1 to {@code max}. */
    static int limit(String raw, int fallback, int max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalidParameter(
                    "limit", "limit '" + raw + "' is not a whole number between 1 and " + max);
        }
        if (value < 1 || value > max) {
            throw ProblemException.invalidParameter("limit", "limit must be between 1 and " + max + ", not " + value);
        }
        return value;
    }
}
