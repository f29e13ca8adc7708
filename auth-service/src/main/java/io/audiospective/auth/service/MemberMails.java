package io.audiospective.auth.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.audiospective.auth.MailCategory;
import io.audiospective.auth.MailKind;
import io.audiospective.auth.Member;
import io.audiospective.auth.MemberStatus;
import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.repository.MailOutboxRepository;
import io.audiospective.auth.repository.MailPreferencesRepository;
import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.model.ImportOutcome;
import io.audiospective.model.codec.MessageCodec;

/**
 * Decides the member mails and writes them to the outbox; {@link MailRelay} sends them. Each occasion has a dedupe
 * key, so deciding the same mail again (the next scan, another replica, a restart) enqueues nothing.
 */
@ApplicationScoped
public class MemberMails {

    private final MemberRepository members;
    private final MailOutboxRepository outbox;
    private final MailPreferencesRepository preferences;
    private final AuthConfig config;

    MemberMails(
            MemberRepository members,
            MailOutboxRepository outbox,
            MailPreferencesRepository preferences,
            AuthConfig config) {
        this.members = members;
        this.outbox = outbox;
        this.preferences = preferences;
        this.config = config;
    }

    /**
     * Enqueues a reminder for every active member whose authorisation runs out within a reminder threshold: the
     * closest threshold passed, once per authorisation. A scan that comes late (the service was down over the 30-day
     * mark and now it is 6 days) sends the 7-day reminder only, not a burst of stale ones.
     */
    @Transactional
    public int enqueueDueReminders(Instant now) {
        Duration lifetime = config.spotify().authorizationLifetime();
        int furthest = config.mail().reminderDays().stream()
                .max(Comparator.naturalOrder())
                .orElse(0);
        // authorised before this instant: the authorisation ends within the furthest threshold
        Instant authorisedBefore = now.plus(Duration.ofDays(furthest)).minus(lifetime);
        List<Member> due = members.list(
                "status = ?1 and email is not null and authorizedAt <= ?2", MemberStatus.ACTIVE, authorisedBefore);
        int enqueued = 0;
        for (Member member : due) {
            Instant expiry = member.authorizedAt.plus(lifetime);
            Optional<Integer> threshold = closestThresholdPassed(now, expiry);
            if (threshold.isPresent()
                    && wants(member.spotifyUserId, MailCategory.REAUTH)
                    && outbox.enqueue(
                            MailKind.REAUTH_REMINDER,
                            member.spotifyUserId,
                            MailKind.REAUTH_REMINDER + ":" + member.spotifyUserId + ":" + expiry.getEpochSecond() + ":"
                                    + threshold.get() + "d",
                            expiry,
                            now)) {
                enqueued++;
            }
        }
        return enqueued;
    }

    /** In the transaction that marks the member NEEDS_REAUTH: the notice, once per authorisation that ran out. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueueNeedsReauth(Member member, Instant now) {
        if (member.email == null || !wants(member.spotifyUserId, MailCategory.REAUTH)) {
            return;
        }
        long authorisation = member.authorizedAt == null ? 0 : member.authorizedAt.getEpochSecond();
        outbox.enqueue(
                MailKind.NEEDS_REAUTH,
                member.spotifyUserId,
                MailKind.NEEDS_REAUTH + ":" + member.spotifyUserId + ":" + authorisation,
                now,
                now);
    }

    /** In the transaction that puts the address on the waitlist: the link that confirms it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueueWaitlistConfirmation(long waitlistId, Instant now) {
        outbox.enqueueToWaitlist(
                MailKind.WAITLIST_CONFIRMATION, waitlistId, MailKind.WAITLIST_CONFIRMATION + ":" + waitlistId, now);
    }

    /** In the transaction that admits the entry: the link that claims its reserved seat, once per entry. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueueWaitlistClaim(long waitlistId, Instant now) {
        outbox.enqueueToWaitlist(MailKind.WAITLIST_CLAIM, waitlistId, MailKind.WAITLIST_CLAIM + ":" + waitlistId, now);
    }

    /**
     * The mail about an import job of api-service that ended, once per job and result: a redelivered outcome
     * enqueues nothing. The outcome itself is the mail's details (its figures, the reason of a failure). A member
     * who turned import mails off, or who is gone, gets none; an address is looked up when the mail is sent.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean enqueueImportOutcome(ImportOutcome outcome, Instant now) {
        MailKind kind = outcome.result() == ImportOutcome.Result.DONE ? MailKind.IMPORT_DONE : MailKind.IMPORT_FAILED;
        if (!wants(outcome.userId(), MailCategory.IMPORTS)) {
            return false;
        }
        return outbox.enqueueIfMember(
                kind,
                outcome.userId(),
                kind + ":" + outcome.userId() + ":" + outcome.importId(),
                outcome.finishedAt(),
                new String(MessageCodec.encode(outcome), StandardCharsets.UTF_8),
                now);
    }

    /** Every category with whether the member gets it (their choice, else the category's default). */
    @Transactional
    public Map<MailCategory, Boolean> wanted(String userId) {
        return preferences.wanted(userId);
    }

    @Transactional
    public void setWanted(String userId, MailCategory category, boolean wanted, Instant now) {
        preferences.set(userId, category, wanted, now);
    }

    private boolean wants(String userId, MailCategory category) {
        return preferences.wants(userId, category);
    }

    private Optional<Integer> closestThresholdPassed(Instant now, Instant expiry) {
        if (!now.isBefore(expiry)) {
            return Optional.empty();
        }
        return config.mail().reminderDays().stream()
                .filter(days -> !now.isBefore(expiry.minus(Duration.ofDays(days))))
                .min(Comparator.naturalOrder());
    }
}
