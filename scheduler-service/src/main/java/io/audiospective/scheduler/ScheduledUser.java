package io.audiospective.scheduler;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.audiospective.model.FailureKind;

/** A user the scheduler knows about, as last told by the {@code users} topic, and their schedule state. */
@Entity
@Table(name = "scheduled_users")
public class ScheduledUser {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Enumerated(EnumType.STRING)
    public ScheduleStatus status;

    /** When the event that set {@link #status} happened; older events never overwrite newer ones. */
    @Column(name = "status_since")
    public Instant statusSince;

    /** Assigned by the database on first insert, never changed: see {@link Slots}. */
    @Column(name = "slot_key", insertable = false, updatable = false)
    public Long slotKey;

    /** Kind of the last failures in a row, null after a success. */
    @Enumerated(EnumType.STRING)
    @Column(name = "failure_kind")
    public FailureKind failureKind;

    @Column(name = "consecutive_failures")
    public int consecutiveFailures;

    /** The user is not polled before this instant. */
    @Column(name = "backoff_until")
    public Instant backoffUntil;

    @Column(name = "last_failure_detail")
    public String lastFailureDetail;

    /** Completion time of the newest outcome applied; older or repeated outcomes are ignored. */
    @Column(name = "last_outcome_at")
    public Instant lastOutcomeAt;

    /** A poll outside the user's slot is due at this instant. */
    @Column(name = "extra_poll_at")
    public Instant extraPollAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "extra_poll_reason")
    public ExtraPollReason extraPollReason;

    @Column(name = "last_published_at")
    public Instant lastPublishedAt;

    @Column(name = "last_published_reason")
    public String lastPublishedReason;

    @Column(name = "last_batch_id")
    public String lastBatchId;
}
