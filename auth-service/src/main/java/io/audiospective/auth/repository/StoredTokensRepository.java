package io.audiospective.auth.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.audiospective.auth.StoredTokens;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class StoredTokensRepository implements PanacheRepositoryBase<StoredTokens, String> {

    /** The row locked until the transaction ends: concurrent refreshers of one user queue here. */
    public StoredTokens lockForUser(String userId) {
        return findById(userId, LockModeType.PESSIMISTIC_WRITE);
    }
}
