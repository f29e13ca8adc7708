package io.audiospective.auth;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A member's Spotify tokens, encrypted by the token vault; never leaves auth-service in this form. */
@Entity
@Table(name = "spotify_tokens")
public class StoredTokens {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Column(name = "refresh_key_id")
    public String refreshKeyId;

    @Column(name = "refresh_token")
    public byte[] refreshToken;

    @Column(name = "refresh_format")
    public short refreshFormat;

    @Column(name = "access_key_id")
    public String accessKeyId;

    @Column(name = "access_token")
    public byte[] accessToken;

    @Column(name = "access_format")
    public short accessFormat;

    @Column(name = "access_expires_at")
    public Instant accessExpiresAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
