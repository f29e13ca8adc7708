package io.audiospective.api;

/** A client error with a message fit to show: leaves the API as problem details with this status. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;

    public ProblemException(int status, String type, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
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
}
