-- A deleted member keeps no scheduled_users row (it held their id). What ordering needs, the sequence and time of the
-- deletion event, stays here under the SHA-256 of the id, so a re-delivered older event cannot bring them back while
-- a newer sign-up of the same account can.
CREATE TABLE deleted_members (
    user_key       TEXT        PRIMARY KEY,
    event_sequence BIGINT,
    deleted_at     TIMESTAMPTZ NOT NULL
);

INSERT INTO deleted_members (user_key, event_sequence, deleted_at)
SELECT encode(sha256(convert_to(user_id, 'UTF8')), 'hex'), event_sequence, status_since
FROM scheduled_users WHERE status = 'DELETED';
DELETE FROM scheduled_users WHERE status = 'DELETED';
