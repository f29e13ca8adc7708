package io.audiospective.api.repository;

import java.sql.Timestamp;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.Play;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class PlayRepository implements PanacheRepositoryBase<Play, Play.Key> {

    /** Stores a play unless the user already has one at that instant; returns whether it was new. */
    public boolean insertIfAbsent(PlayEvent play) {
        int inserted = getEntityManager().createNativeQuery("""
                INSERT INTO plays (user_id, played_at, track_id, track_name, album_id, album_name,
                                   artist_ids, artist_names, ms_played, source)
                VALUES (:userId, :playedAt, :trackId, :trackName, :albumId, :albumName,
                        :artistIds, :artistNames, :msPlayed, :source)
                ON CONFLICT (user_id, played_at) DO NOTHING
                """)
                .setParameter("userId", play.userId())
                .setParameter("playedAt", Timestamp.from(play.playedAt()))
                .setParameter("trackId", play.track().id())
                .setParameter("trackName", play.track().name())
                .setParameter("albumId", play.track().album().id())
                .setParameter("albumName", play.track().album().name())
                .setParameter("artistIds", play.track().artists().stream().map(ArtistRef::id).toArray(String[]::new))
                .setParameter("artistNames",
                        play.track().artists().stream().map(ArtistRef::name).toArray(String[]::new))
                .setParameter("msPlayed", play.msPlayed())
                .setParameter("source", play.source().name())
                .executeUpdate();
        return inserted == 1;
    }

    public long countForUser(String userId) {
        return count("userId", userId);
    }
}
