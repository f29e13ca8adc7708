-- A deleted member keeps no user_status row (it held their id): the sequence of their deletion event, which orders
-- whatever of theirs arrives later, moves to the tombstone, keyed by the SHA-256 of the id.
ALTER TABLE deleted_users ADD COLUMN last_event_sequence BIGINT;

INSERT INTO deleted_users (user_key, deleted_at, last_event_sequence)
SELECT encode(sha256(convert_to(user_id, 'UTF8')), 'hex'), last_event_at, last_event_sequence
FROM user_status WHERE state = 'DELETED'
ON CONFLICT (user_key) DO UPDATE SET last_event_sequence = EXCLUDED.last_event_sequence;

DELETE FROM dead_letters WHERE record_key IN (SELECT user_id FROM user_status WHERE state = 'DELETED');
DELETE FROM user_status WHERE state = 'DELETED';
