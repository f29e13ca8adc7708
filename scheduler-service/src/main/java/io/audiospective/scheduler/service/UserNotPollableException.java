package io.audiospective.scheduler.service;

/** The user exists but must not be polled (deleted, or waiting for re-authorisation). */
public class UserNotPollableException extends RuntimeException {

    public UserNotPollableException(String message) {
        super(message);
    }
}
