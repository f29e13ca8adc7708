package io.audiospective.support.rest;

import java.time.Duration;
import java.util.List;

/**
 * A client error with a message fit to show: {@link ProblemMappers} answers it as problem details with its status,
 * type, title and, for a refused parameter, the parameter's name.
 */
public class ProblemException extends RuntimeException {

    public static final String INVALID_REQUEST_TYPE = "urn:audiospective:problem:invalid-request";
    public static final String NOT_FOUND_TYPE = "urn:audiospective:problem:not-found";
    public static final String CONFLICT_TYPE = "urn:audiospective:problem:conflict";

    private final int status;
    private final String type;
    private final String title;
    private final List<Problem.InvalidParam> invalidParams;
    private final Duration retryAfter;

    public ProblemException(int status, String type, String detail) {
        this(status, type, Problem.reasonPhrase(status), detail, List.of(), null);
    }

    /** A problem with a title of its own rather than the status' reason phrase. */
    public ProblemException(int status, String type, String title, String detail) {
        this(status, type, title, detail, List.of(), null);
    }

    private ProblemException(
            int status,
            String type,
            String title,
            String detail,
            List<Problem.InvalidParam> invalidParams,
            Duration retryAfter) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.invalidParams = List.copyOf(invalidParams);
        this.retryAfter = retryAfter;
    }

    /** 503 with a {@code Retry-After} of {@code retryAfter} (rounded up to whole seconds). */
    public static ProblemException serviceUnavailable(String type, String detail, Duration retryAfter) {
        return new ProblemException(503, type, Problem.reasonPhrase(503), detail, List.of(), retryAfter);
    }

    /** 429 with a {@code Retry-After} of {@code retryAfter} (rounded up to whole seconds). */
    public static ProblemException tooManyRequests(String type, String detail, Duration retryAfter) {
        return new ProblemException(429, type, Problem.reasonPhrase(429), detail, List.of(), retryAfter);
    }

    /** 400 about the request as a whole (a missing file, parameters that contradict each other). */
    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, INVALID_REQUEST_TYPE, detail);
    }

    /** 400 about one parameter: {@code detail} says what is wrong with it and what is allowed. */
    public static ProblemException invalidParameter(String name, String detail) {
        return new ProblemException(
                400,
                INVALID_REQUEST_TYPE,
                Problem.reasonPhrase(400),
                detail,
                List.of(new Problem.InvalidParam(name, detail)),
                null);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, NOT_FOUND_TYPE, detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, CONFLICT_TYPE, detail);
    }

    public Problem problem() {
        return new Problem(type, title, status, getMessage(), null, invalidParams);
    }

    public int status() {
        return status;
    }

    /** When the client may try again, for a 429; null otherwise. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
