package io.audiospective.api.repository;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.audiospective.api.ReadModelChanged;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.api.repository.StatsRepository.MemberState;

/**
 * Members' read-model state as this process last read it, trusted for {@code member-state-ttl}. Every statistics
 * request needs it first (the ETag and the answer cache's key name the version), and it was the only database read of
 * an answer already cached. A change this process commits forgets the member's state when its transaction ends: a
 * read in flight meanwhile finishes before it is forgotten, so nothing older is kept afterwards. A change another
 * replica commits (the member's plays are folded by whichever replica owns their partition) is seen within the TTL.
 */
@ApplicationScoped
public class MemberStates {

    private final StatsRepository stats;
    private final Cache<String, MemberState> states;

    MemberStates(StatsRepository stats, ApiConfig config) {
        this.stats = stats;
        this.states = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(config.statsCache().memberStateTtl())
                .build();
    }

    public MemberState of(String userId) {
        return states.get(userId, stats::memberState);
    }

    /** The member's state when this process holds it, without reading the database (for non-blocking callers). */
    public Optional<MemberState> known(String userId) {
        return Optional.ofNullable(states.getIfPresent(userId));
    }

    void forget(@Observes(during = TransactionPhase.AFTER_COMPLETION) ReadModelChanged change) {
        if (change.allMembers()) {
            states.invalidateAll();
        } else {
            states.invalidateAll(change.users());
        }
    }
}
