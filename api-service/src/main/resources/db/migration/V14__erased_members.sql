-- A deleted member's history stays erased when they sign up again: a plays record published before the new sign-up
-- (readmitted_at) is never folded again, by the live consumer or by a replay of the topic. The row is a tombstone
-- kept for that rule, so it names no one: the key is the SHA-256 of the member's id.
ALTER TABLE deleted_users RENAME COLUMN user_id TO user_key;
UPDATE deleted_users SET user_key = encode(sha256(convert_to(user_key, 'UTF8')), 'hex');
ALTER TABLE deleted_users ADD COLUMN readmitted_at TIMESTAMPTZ;
