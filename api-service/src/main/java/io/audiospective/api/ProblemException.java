package io.audiospective.api;

import java.time.Duration;

/** A client error with a message fit to show: leaves the API as problem details with this status. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final Duration retryAfter;

    public ProblemException(int status, String type, String detail) {
        this(status, type, detail, null);
    }

    private ProblemException(int status, String type, String detail, Duration retryAfter) {
        super(detail);
        this.status = status;
        this.type = type;
        this.retryAfter = retryAfter;
    }

    /** 429 with a {@code Retry-After} of {@code retryAfter} (rounded up to whole seconds). */
    public static ProblemException tooManyRequests(String type, String detail, Duration retryAfter) {
        return new ProblemException(429, type, detail, retryAfter);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "urn:audiospective:problem:invalid-request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "urn:audiospective:problem:not-found", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "urn:audiospective:problem:conflict", detail);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** When the client may try again, for a 429; null otherwise. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
