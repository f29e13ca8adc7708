package io.audiospective.archive.repository;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.archive.ArchivedPlay;
import io.audiospective.model.PlayEvent;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ArchivedPlayRepository implements PanacheRepositoryBase<ArchivedPlay, ArchivedPlay.Key> {

    /**
     * Archives the plays in one statement; plays already archived (same user and instant) are left alone.
     * Their tracks must be in the catalogue already.
     *
     * @return the plays that were not archived before
     */
    public List<PlayEvent> insertNew(List<PlayEvent> plays) {
        if (plays.isEmpty()) {
            return List.of();
        }
        Map<String, PlayEvent> byKey = new HashMap<>();
        plays.forEach(play -> byKey.put(play.userId() + "|" + play.playedAt(), play));
        List<?> inserted = getEntityManager().createNativeQuery("""
                INSERT INTO play_events (user_id, played_at, track_id, ms_played, source, import_id)
                SELECT * FROM unnest(CAST(:userIds AS text[]), CAST(:playedAts AS timestamptz[]),
                                     CAST(:trackIds AS text[]), CAST(:msPlayed AS bigint[]),
                                     CAST(:sources AS text[]), CAST(:importIds AS text[]))
                ON CONFLICT (user_id, played_at) DO NOTHING
                RETURNING user_id, played_at
                """)
                .setParameter("userIds", plays.stream().map(PlayEvent::userId).toArray(String[]::new))
                .setParameter("playedAts",
                        plays.stream().map(p -> Timestamp.from(p.playedAt())).toArray(Timestamp[]::new))
                .setParameter("trackIds", plays.stream().map(p -> p.track().id()).toArray(String[]::new))
                .setParameter("msPlayed", plays.stream().map(PlayEvent::msPlayed).toArray(Long[]::new))
                .setParameter("sources", plays.stream().map(p -> p.source().name()).toArray(String[]::new))
                .setParameter("importIds", plays.stream().map(PlayEvent::importId).toArray(String[]::new))
                .getResultList();
        return inserted.stream().map(row -> (Object[]) row)
                .map(row -> byKey.get(row[0] + "|" + UserCursorRepository.toInstant(row[1])))
                .toList();
    }

    public void deleteForUser(String userId) {
        delete("userId", userId);
    }

    public long countForUser(String userId) {
        return count("userId", userId);
    }
}
