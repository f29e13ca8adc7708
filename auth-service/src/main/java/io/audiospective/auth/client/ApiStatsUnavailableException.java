package io.audiospective.auth.client;

/** api-service did not answer a statistics request with the numbers (down, slow, or refusing the token). */
public class ApiStatsUnavailableException extends RuntimeException {

    public ApiStatsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
