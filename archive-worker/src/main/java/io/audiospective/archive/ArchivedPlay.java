package io.audiospective.archive;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One archived play of one user; the track is in the normalised catalogue. */
@Entity
@Table(name = "play_events")
@IdClass(ArchivedPlay.Key.class)
public class ArchivedPlay {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Id
    @Column(name = "played_at")
    public Instant playedAt;

    @Column(name = "track_id")
    public String trackId;

    @Column(name = "ms_played")
    public long msPlayed;

    public String source;

    @Column(name = "import_id")
    public String importId;

    @Column(name = "archived_at", insertable = false, updatable = false)
    public Instant archivedAt;

    /** Composite identity of a play. */
    public static class Key implements Serializable {

        public String userId;
        public Instant playedAt;

        public Key() {}

        public Key(String userId, Instant playedAt) {
            this.userId = userId;
            this.playedAt = playedAt;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && Objects.equals(userId, key.userId)
                    && Objects.equals(playedAt, key.playedAt);
        }

        @Override
        public int hashCode() {
            return Objects.hash(userId, playedAt);
        }
    }
}
