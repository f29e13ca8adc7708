package io.audiospective.auth;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Someone who asked for a seat while the founding-member cap was full. */
@Entity
@Table(name = "waitlist")
public class WaitlistEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String email;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "admitted_at")
    public Instant admittedAt;

    /** When the owner of the address followed the confirmation mail's link; unconfirmed entries are not admitted. */
    @Column(name = "verified_at")
    public Instant verifiedAt;

    /** Admission reserved a seat until then; the claim link works until this instant. */
    @Column(name = "claim_expires_at")
    public Instant claimExpiresAt;

    /** When the admitted person signed in with the claim and took the seat. */
    @Column(name = "claimed_at")
    public Instant claimedAt;

    /** When the unused claim was released and its seat passed on; the entry is not admitted again. */
    @Column(name = "claim_expired_at")
    public Instant claimExpiredAt;

    /** The claim can still be used at {@code now}. */
    public boolean claimOpenAt(Instant now) {
        return claimExpiresAt != null && claimedAt == null && claimExpiredAt == null && now.isBefore(claimExpiresAt);
    }
}
