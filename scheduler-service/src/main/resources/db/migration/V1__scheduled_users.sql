-- Users known to the scheduler and whether they are polled.
CREATE TABLE scheduled_users (
    user_id      TEXT        PRIMARY KEY,
    status       TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'NEEDS_REAUTH', 'DELETED')),
    status_since TIMESTAMPTZ NOT NULL
);
