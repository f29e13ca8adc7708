package io.audiospective.api;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One play in the denormalised read model, identified by user and the instant it was played. */
@Entity
@Table(name = "plays")
@IdClass(Play.Key.class)
public class Play {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Id
    @Column(name = "played_at")
    public Instant playedAt;

    @Column(name = "track_id")
    public String trackId;

    @Column(name = "track_name")
    public String trackName;

    @Column(name = "album_id")
    public String albumId;

    @Column(name = "album_name")
    public String albumName;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "artist_ids")
    public List<String> artistIds;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "artist_names")
    public List<String> artistNames;

    @Column(name = "ms_played")
    public long msPlayed;

    public String source;

    /** Composite identity of a play. */
    public static class Key implements Serializable {

        public String userId;
        public Instant playedAt;

        public Key() {
        }

        public Key(String userId, Instant playedAt) {
            this.userId = userId;
            this.playedAt = playedAt;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(userId, key.userId)
                    && Objects.equals(playedAt, key.playedAt);
        }

        @Override
        public int hashCode() {
            return Objects.hash(userId, playedAt);
        }
    }
}
