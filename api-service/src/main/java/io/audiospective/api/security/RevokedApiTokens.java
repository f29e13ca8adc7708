package io.audiospective.api.security;

import jakarta.inject.Singleton;

import io.audiospective.support.security.ApiTokenRevocations;
import io.audiospective.support.security.RevokedApiTokenRefusal;

/** This service refuses revoked API tokens. */
@Singleton
public class RevokedApiTokens extends RevokedApiTokenRefusal {

    RevokedApiTokens(ApiTokenRevocations revocations) {
        super(revocations);
    }
}
