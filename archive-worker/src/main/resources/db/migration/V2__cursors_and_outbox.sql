-- Per user: the newest archived play (to detect gaps) and when polls last ran.
CREATE TABLE user_cursors (
    user_id          TEXT        PRIMARY KEY,
    newest_played_at TIMESTAMPTZ,
    last_polled_at   TIMESTAMPTZ NOT NULL,
    last_success_at  TIMESTAMPTZ
);

-- Newly archived plays waiting to be published to the plays topic; written in the archiving transaction so a
-- crash between commit and Kafka never loses a play. The relay deletes rows once Kafka has them.
CREATE TABLE outbox (
    id          BIGSERIAL   PRIMARY KEY,
    topic       TEXT        NOT NULL,
    message_key TEXT        NOT NULL,
    payload     BYTEA       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
