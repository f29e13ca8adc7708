package io.audiospective.auth.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.audiospective.auth.Member;
import io.audiospective.auth.MemberStatus;
import io.audiospective.auth.StoredTokens;
import io.audiospective.auth.WaitlistEntry;
import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.auth.repository.SeatRepository;
import io.audiospective.auth.repository.StoredTokensRepository;
import io.audiospective.auth.repository.UserEventOutbox;
import io.audiospective.auth.repository.WaitlistClaimRepository;
import io.audiospective.auth.repository.WaitlistRepository;
import io.audiospective.model.UserEventType;

/** Founding members: seats, sign-in, sign-out, deletion and the waitlist. */
@ApplicationScoped
public class MembershipService {

    private final MemberRepository members;
    private final SeatRepository seats;
    private final StoredTokensRepository tokens;
    private final WaitlistRepository waitlist;
    private final WaitlistClaimRepository claims;
    private final MailLinks links;
    private final TokenVault vault;
    private final UserEventOutbox events;
    private final TokenRevocationService revocations;
    private final MemberMails mails;
    private final AuthConfig config;
    private final Clock clock;

    MembershipService(
            MemberRepository members,
            SeatRepository seats,
            StoredTokensRepository tokens,
            WaitlistRepository waitlist,
            WaitlistClaimRepository claims,
            MailLinks links,
            TokenVault vault,
            UserEventOutbox events,
            TokenRevocationService revocations,
            MemberMails mails,
            AuthConfig config,
            Clock clock) {
        this.members = members;
        this.seats = seats;
        this.tokens = tokens;
        this.waitlist = waitlist;
        this.claims = claims;
        this.links = links;
        this.vault = vault;
        this.events = events;
        this.revocations = revocations;
        this.mails = mails;
        this.config = config;
        this.clock = clock;
    }

    /** A waitlist claim link as followed: the entry and the link's token. */
    public record Claim(long entryId, String token) {}

    /**
     * Records a completed Spotify authorisation. A newcomer takes a seat in the same transaction, so however many
     * sign-ups race, the cap is never overshot: the seat reserved by {@code claim} when it is open (consuming it),
     * else a free one (null: no claim); a returning member needs no seat and is re-authorised (a claim they carry stays open).
     * {@code email} is the address Spotify has for the member (null if it gave none), where their mails go.
     */
    @Transactional
    public SignInOutcome signIn(
            String userId, String displayName, String email, String refreshToken, String accessToken, Claim claim) {
        Instant now = clock.instant();
        Member member = members.findById(userId, LockModeType.PESSIMISTIC_WRITE);
        boolean newcomer = member == null || member.status == MemberStatus.DELETED;
        if (newcomer && !takeClaimedSeat(claim, now) && !seats.takeSeat(config.memberCap())) {
            return SignInOutcome.WAITLISTED;
        }
        boolean firstTime = member == null;
        if (firstTime) {
            member = new Member();
            member.spotifyUserId = userId;
            member.createdAt = now;
        }
        member.displayName = displayName;
        member.email = email;
        member.status = MemberStatus.ACTIVE;
        member.authorizedAt = now;
        member.updatedAt = now;
        if (firstTime) {
            members.persist(member);
        }
        storeTokens(userId, refreshToken, accessToken, now.plus(config.spotify().accessTokenLifetime()), now);
        UserEventType type = newcomer ? UserEventType.REGISTERED : UserEventType.REAUTHORIZED;
        events.append(userId, type, now, displayName, member.timeZone);
        return newcomer ? SignInOutcome.JOINED : SignInOutcome.RETURNED;
    }

    /** True when {@code claim} was open: it is used now, and its reserved seat taken. */
    private boolean takeClaimedSeat(Claim claim, Instant now) {
        if (claim == null) {
            return false;
        }
        WaitlistEntry entry = waitlist.findById(claim.entryId(), LockModeType.PESSIMISTIC_WRITE);
        if (check(entry, claim.token(), now) != ClaimCheck.OPEN) {
            return false;
        }
        entry.claimedAt = now;
        seats.takeReservedSeat();
        return true;
    }

    /** What the claim link of {@code entryId} with {@code token} is worth now (it is not used by looking). */
    @Transactional
    public ClaimCheck checkClaim(long entryId, String token) {
        return check(waitlist.findById(entryId), token, clock.instant());
    }

    private ClaimCheck check(WaitlistEntry entry, String token, Instant now) {
        if (entry == null || !links.verifyClaim(entry.id, entry.email, entry.claimExpiresAt, token)) {
            return ClaimCheck.UNKNOWN;
        }
        if (entry.claimedAt != null) {
            return ClaimCheck.USED;
        }
        return entry.claimOpenAt(now) ? ClaimCheck.OPEN : ClaimCheck.EXPIRED;
    }

    @Transactional
    public boolean isMember(String userId) {
        Member member = members.findById(userId);
        return member != null && member.status != MemberStatus.DELETED;
    }

    @Transactional
    public boolean hasFreeSeat() {
        return seats.hasFreeSeat(config.memberCap());
    }

    @Transactional
    public SeatRepository.Seats seats() {
        return seats.seats(config.memberCap());
    }

    public Set<String> rolesOf(String userId) {
        return config.adminUserIds().orElse(Set.of()).contains(userId) ? Set.of("user", "admin") : Set.of("user");
    }

    /** Every API token of the member issued so far is revoked; {@link TokenRevocationService#announce} it. */
    @Transactional
    public TokenRevocationService.Revocation signOut(String userId) {
        return revocations.revokeAll(userId);
    }

    /** A token's session may be renewed while the member exists, the session was not revoked and has not ended. */
    @Transactional
    public boolean mayRenew(ApiTokenService.VerifiedToken token) {
        Member member = members.findById(token.userId());
        return member != null
                && member.status != MemberStatus.DELETED
                && revocations
                        .minSession(token.userId())
                        .map(min -> token.session() >= min)
                        .orElse(true);
    }

    /**
     * Deletes the member and their Spotify tokens and revokes their API tokens ({@link TokenRevocationService#announce}
     * the revocation); every service purges the user on the DELETED event.
     */
    @Transactional
    public Optional<TokenRevocationService.Revocation> delete(String userId) {
        Member member = members.findById(userId, LockModeType.PESSIMISTIC_WRITE);
        if (member == null) {
            return Optional.empty();
        }
        tokens.deleteById(userId);
        members.delete(member);
        seats.releaseSeat();
        events.append(userId, UserEventType.DELETED, clock.instant(), null, null);
        return Optional.of(revocations.revokeAll(userId));
    }

    /** Marks the member as needing to sign in again and forgets the unusable Spotify tokens. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void markNeedsReauth(Member member) {
        tokens.deleteById(member.spotifyUserId);
        member.status = MemberStatus.NEEDS_REAUTH;
        member.updatedAt = clock.instant();
        events.append(
                member.spotifyUserId,
                UserEventType.NEEDS_REAUTH,
                member.updatedAt,
                member.displayName,
                member.timeZone);
        mails.enqueueNeedsReauth(member, member.updatedAt);
    }

    /** Puts the address on the waitlist and mails it the confirmation link (once per entry). */
    @Transactional
    public void joinWaitlist(String email) {
        if (waitlist.count("email", email) == 0) {
            WaitlistEntry entry = new WaitlistEntry();
            entry.email = email;
            entry.createdAt = clock.instant();
            waitlist.persist(entry);
            waitlist.flush();
            mails.enqueueWaitlistConfirmation(entry.id, entry.createdAt);
        }
    }

    /** The confirmation link was followed: true when it is the entry's (confirming again is harmless). */
    @Transactional
    public boolean confirmWaitlist(long waitlistId, java.util.function.Predicate<String> linkOf) {
        WaitlistEntry entry = waitlist.findById(waitlistId, LockModeType.PESSIMISTIC_WRITE);
        if (entry == null || !linkOf.test(entry.email)) {
            return false;
        }
        if (entry.verifiedAt == null) {
            entry.verifiedAt = clock.instant();
        }
        return true;
    }

    @Transactional
    public List<WaitlistEntry> waitlist() {
        return waitlist.listAll(io.quarkus.panache.common.Sort.by("id"));
    }

    /**
     * Admits a waitlisted person: one more seat, reserved for them until their claim expires
     * ({@code waitlist.claim-validity}), and the mail with the link that claims it. False when there is no such entry,
     * its address was never confirmed or it was admitted.
     */
    @Transactional
    public boolean admit(long waitlistId) {
        WaitlistEntry entry = waitlist.findById(waitlistId, LockModeType.PESSIMISTIC_WRITE);
        if (entry == null || entry.verifiedAt == null || entry.admittedAt != null) {
            return false;
        }
        Instant now = clock.instant();
        entry.admittedAt = now;
        entry.claimExpiresAt = now.plus(config.waitlist().claimValidity());
        seats.addReservedSeat();
        waitlist.flush();
        mails.enqueueWaitlistClaim(entry.id, now);
        return true;
    }

    /**
     * Releases up to {@code limit} claims that expired unused and passes each seat to the next confirmed entry in
     * line (oldest first) with a new claim and mail; with nobody in line the seat is free to anyone. Safe on every
     * replica at once: each expired claim and each next entry is locked by one job only (SKIP LOCKED). The number of
     * claims released.
     */
    @Transactional
    public int passOnExpiredClaims(int limit) {
        Instant now = clock.instant();
        List<Long> expired = claims.lockExpired(now, limit);
        for (long id : expired) {
            claims.markExpired(id, now);
            Optional<Long> next = claims.lockNextInLine();
            if (next.isPresent()) {
                claims.admit(next.get(), now, now.plus(config.waitlist().claimValidity()));
                mails.enqueueWaitlistClaim(next.get(), now);
            } else {
                seats.releaseReservedSeat();
            }
        }
        return expired.size();
    }

    void storeTokens(String userId, String refreshToken, String accessToken, Instant accessExpiresAt, Instant now) {
        StoredTokens stored = tokens.findById(userId);
        boolean firstTokens = stored == null;
        if (firstTokens) {
            stored = new StoredTokens();
            stored.userId = userId;
        }
        if (refreshToken != null) {
            vault.sealRefreshToken(stored, refreshToken);
        }
        vault.sealAccessToken(stored, accessToken);
        stored.accessExpiresAt = accessExpiresAt;
        stored.updatedAt = now;
        if (firstTokens) {
            tokens.persist(stored);
        }
    }
}
