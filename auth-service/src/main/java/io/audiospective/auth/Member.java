package io.audiospective.auth;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A founding member, identified by their stable Spotify user id. */
@Entity
@Table(name = "members")
public class Member {

    @Id
    @Column(name = "spotify_user_id")
    public String spotifyUserId;

    @Column(name = "display_name")
    public String displayName;

    @Enumerated(EnumType.STRING)
    public MemberStatus status;

    @Column(name = "time_zone")
    public String timeZone;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** When the user last authorised this app at Spotify; their refresh token dies a fixed time after. */
    @Column(name = "authorized_at")
    public Instant authorizedAt;

    /** The address Spotify has for the member, where their mails go; null when Spotify gave none. */
    public String email;
}
