package io.audiospective.scheduler.service;

/** The scheduler has never heard of the user. */
public class UserNotFoundException extends RuntimeException {

    public UserNotFoundException(String userId) {
        super("The scheduler knows no user '" + userId + "'");
    }
}
