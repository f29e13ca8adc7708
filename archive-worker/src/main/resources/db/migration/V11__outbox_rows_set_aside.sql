-- Issue 20: an outbox row the relay cannot publish (its events cannot be encoded, or Kafka refuses them for what
-- they are, such as too large) is set aside with the reason instead of blocking every row after it. It stays in
-- the table, skipped by the relay, until someone clears set_aside_reason (after fixing the cause) to publish it.
ALTER TABLE outbox ADD COLUMN set_aside_reason TEXT;
ALTER TABLE outbox ADD COLUMN set_aside_at TIMESTAMPTZ;
CREATE INDEX outbox_set_aside ON outbox (id) WHERE set_aside_reason IS NOT NULL;
