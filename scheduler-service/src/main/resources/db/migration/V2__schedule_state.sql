-- Per-user schedule: a stable slot in the polling period, backoff after failures, extra polls.

-- Slots are handed out in registration order along a golden-ratio (Weyl) sequence over the 32-bit key space:
-- key(n) = n * 2654435769 mod 2^32. Any stretch of consecutive users then covers the period far more evenly
-- than a hash would (three-gap theorem), and a user's key never changes once assigned.
CREATE SEQUENCE scheduled_users_slot_seq;

ALTER TABLE scheduled_users
    ADD COLUMN slot_key              BIGINT      NOT NULL
        DEFAULT ((nextval('scheduled_users_slot_seq') * 2654435769) % 4294967296),
    ADD COLUMN failure_kind          TEXT        CHECK (failure_kind IN ('AUTH', 'NETWORK', 'RATE_LIMITED', 'UNKNOWN')),
    ADD COLUMN consecutive_failures  INTEGER     NOT NULL DEFAULT 0,
    ADD COLUMN backoff_until         TIMESTAMPTZ,
    ADD COLUMN last_failure_detail   TEXT,
    ADD COLUMN last_outcome_at       TIMESTAMPTZ,
    ADD COLUMN extra_poll_at         TIMESTAMPTZ,
    ADD COLUMN extra_poll_reason     TEXT        CHECK (extra_poll_reason IN ('HEAVY_LISTENER', 'RETRY')),
    ADD COLUMN last_published_at     TIMESTAMPTZ,
    ADD COLUMN last_published_reason TEXT,
    ADD COLUMN last_batch_id         TEXT;

-- The due users of one window are one range scan on slot_key.
CREATE INDEX scheduled_users_slot_key_idx ON scheduled_users (slot_key);
CREATE INDEX scheduled_users_extra_poll_idx ON scheduled_users (extra_poll_at) WHERE extra_poll_at IS NOT NULL;

-- One row per scheduler lane (production: one lane shared by every replica). The row is locked
-- (FOR UPDATE SKIP LOCKED) by the replica that publishes a window, and published_until is advanced in the
-- same transaction: windows before it are published, exactly once.
CREATE TABLE scheduler_state (
    lane            TEXT        PRIMARY KEY,
    published_until TIMESTAMPTZ,
    last_tick_at    TIMESTAMPTZ,
    last_tick_by    TEXT
);

-- Every published window, written in the same transaction as the watermark. The primary key refuses a second
-- publication of the same window.
CREATE TABLE published_windows (
    lane         TEXT        NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    window_end   TIMESTAMPTZ NOT NULL,
    reason       TEXT        NOT NULL,
    users        INTEGER     NOT NULL,
    batches      INTEGER     NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    published_by TEXT        NOT NULL,
    PRIMARY KEY (lane, window_start)
);
