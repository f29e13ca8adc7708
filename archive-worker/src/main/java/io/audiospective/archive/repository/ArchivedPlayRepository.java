package io.audiospective.archive.repository;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.archive.ArchivedPlay;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ArchivedPlayRepository implements PanacheRepositoryBase<ArchivedPlay, ArchivedPlay.Key> {

    public void deleteForUser(String userId) {
        delete("userId", userId);
    }

    public long countForUser(String userId) {
        return count("userId", userId);
    }
}
