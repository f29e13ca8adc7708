package io.audiospective.archive.security;

import jakarta.inject.Singleton;

import io.audiospective.support.security.ApiTokenRevocations;
import io.audiospective.support.security.RevokedApiTokenRefusal;

/** This service refuses revoked API tokens (its admin endpoints). */
@Singleton
public class RevokedApiTokens extends RevokedApiTokenRefusal {

    RevokedApiTokens(ApiTokenRevocations revocations) {
        super(revocations);
    }
}
