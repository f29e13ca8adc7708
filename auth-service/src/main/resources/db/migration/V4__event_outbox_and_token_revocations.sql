-- Member lifecycle events are written here in the transaction that makes the change and published to Kafka by the
-- relay after it committed, in id order; the relay deletes a row once Kafka has it. sequence orders a member's
-- events for every consumer (UserEvent.sequence): drawn under the member's row lock, so commit order = sequence order.
CREATE SEQUENCE user_event_sequence;
CREATE TABLE user_events_outbox (
    id         BIGSERIAL   PRIMARY KEY,
    user_id    TEXT        NOT NULL,
    payload    BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- API token sessions: every sign-in draws a number, which its tokens and their renewals carry. A revocation (sign-out,
-- account deletion) admits only sessions from min_session on, until expires_at, when every token it refuses has
-- expired and the row is deleted. Kept apart from members: it must outlive a deleted member's row.
CREATE SEQUENCE api_token_sessions;
CREATE TABLE api_token_revocations (
    user_id     TEXT        PRIMARY KEY,
    min_session BIGINT      NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX api_token_revocations_expiry ON api_token_revocations (expires_at);

-- Replaced by api_token_revocations: a wall-clock comparison with the tokens' issue times.
ALTER TABLE members DROP COLUMN tokens_not_before;
