-- The waitlist keeps only addresses their owner confirmed (the link in a confirmation mail); only those are admitted.
-- Entries from before this migration were taken under the old rules and count as confirmed.
ALTER TABLE waitlist ADD COLUMN verified_at TIMESTAMPTZ;
UPDATE waitlist SET verified_at = created_at;

-- A mail goes to a member or to a waitlist entry (the confirmation), never both.
ALTER TABLE mail_outbox ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE mail_outbox ADD COLUMN waitlist_id BIGINT REFERENCES waitlist (id) ON DELETE CASCADE;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_one_recipient CHECK ((user_id IS NULL) <> (waitlist_id IS NULL));
