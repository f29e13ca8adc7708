package io.audiospective.auth.service;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.audiospective.auth.Member;
import io.audiospective.auth.MemberStatus;
import io.audiospective.auth.StoredTokens;
import io.audiospective.auth.client.InvalidGrantException;
import io.audiospective.auth.client.SpotifyAccountsClient;
import io.audiospective.auth.client.TokenGrant;
import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.auth.repository.StoredTokensRepository;
import io.audiospective.model.TokenFingerprint;

/**
 * Valid Spotify access tokens for the workers. A refresh happens under the user's token row lock: PKCE refresh
 * tokens are single-use, so concurrent callers (on any replica) queue, the first refreshes, and the others find
 * the fresh token when they get the lock. A token Spotify rotated to is kept in Redis ({@link RotatedRefreshTokens})
 * before the database is written, so a failed commit does not cost the member their authorisation; an answer that
 * did not arrive in time is reported as Spotify being unavailable, never as a refused token.
 */
@ApplicationScoped
public class AccessTokenService {

    private static final Logger LOG = Logger.getLogger(AccessTokenService.class);

    private final MemberRepository members;
    private final StoredTokensRepository tokens;
    private final MembershipService membership;
    private final SpotifyAccountsClient spotify;
    private final RotatedRefreshTokens rotated;
    private final TokenVault vault;
    private final AuthConfig config;
    private final Clock clock;

    AccessTokenService(
            MemberRepository members,
            StoredTokensRepository tokens,
            MembershipService membership,
            SpotifyAccountsClient spotify,
            RotatedRefreshTokens rotated,
            TokenVault vault,
            AuthConfig config,
            Clock clock) {
        this.members = members;
        this.tokens = tokens;
        this.membership = membership;
        this.spotify = spotify;
        this.rotated = rotated;
        this.vault = vault;
        this.config = config;
        this.clock = clock;
    }

    @Transactional
    public AccessTokenResult freshAccessToken(String userId) {
        return freshAccessToken(userId, null);
    }

    /**
     * As {@link #freshAccessToken(String)}, but when Spotify refused the token named by {@code rejected} before its
     * expiry (revoked, or expired early) and it is still the stored one, it is renewed now.
     */
    @Transactional
    public AccessTokenResult freshAccessToken(String userId, TokenFingerprint rejected) {
        Member member = members.findById(userId);
        if (member == null || member.status == MemberStatus.DELETED) {
            return new AccessTokenResult.UnknownUser();
        }
        if (member.status == MemberStatus.NEEDS_REAUTH) {
            return new AccessTokenResult.NeedsReauth();
        }
        Instant now = clock.instant();
        if (authorisationExpired(member, now)) {
            LOG.infof(
                    "Spotify authorisation of user %s expired on %s",
                    userId, member.authorizedAt.plus(config.spotify().authorizationLifetime()));
            membership.markNeedsReauth(member);
            return new AccessTokenResult.NeedsReauth();
        }
        StoredTokens stored = tokens.lockForUser(userId);
        if (stored == null) {
            membership.markNeedsReauth(member);
            return new AccessTokenResult.NeedsReauth();
        }
        if (stored.accessExpiresAt.isAfter(now.plus(config.spotify().refreshMargin()))
                && !isRejected(stored, rejected)) {
            return granted(stored);
        }
        String storedRefresh = vault.openRefreshToken(stored);
        // the stored token is spent if an earlier refresh rotated it but its commit failed: present the newer one
        String presented = rotated.newerThan(userId, storedRefresh).orElse(storedRefresh);
        TokenGrant grant;
        try {
            grant = spotify.refresh(presented);
        } catch (InvalidGrantException e) {
            LOG.infof("User %s needs to sign in again: %s", userId, e.getMessage());
            membership.markNeedsReauth(member);
            return new AccessTokenResult.NeedsReauth();
        }
        String newest = grant.refreshToken() != null ? grant.refreshToken() : presented;
        if (!newest.equals(storedRefresh)) {
            rotated.keep(userId, storedRefresh, newest);
        }
        membership.storeTokens(userId, newest, grant.accessToken(), now.plusSeconds(grant.expiresIn()), now);
        return granted(stored);
    }

    /** Members whose Spotify authorisation has run out are marked NEEDS_REAUTH; returns how many. */
    @Transactional
    public int expireAuthorisations() {
        Instant cutoff = clock.instant().minus(config.spotify().authorizationLifetime());
        var expired = members.list("status = ?1 and authorizedAt < ?2", MemberStatus.ACTIVE, cutoff);
        expired.forEach(membership::markNeedsReauth);
        return expired.size();
    }

    private boolean authorisationExpired(Member member, Instant now) {
        return member.authorizedAt != null
                && !member.authorizedAt
                        .plus(config.spotify().authorizationLifetime())
                        .isAfter(now);
    }

    private boolean isRejected(StoredTokens stored, TokenFingerprint rejected) {
        return rejected != null && rejected.matches(vault.openAccessToken(stored));
    }

    private AccessTokenResult granted(StoredTokens stored) {
        return new AccessTokenResult.Granted(vault.openAccessToken(stored), stored.accessExpiresAt);
    }
}
