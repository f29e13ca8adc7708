-- The address mails go to: the one Spotify has for the member (scope user-read-email), refreshed at every sign-in.
-- It lives only here, so deleting the member's row forgets it.
ALTER TABLE members ADD COLUMN email TEXT;

-- Kinds of mail a member turned off (the unsubscribe link, the settings). No row: the kind is sent.
CREATE TABLE mail_opt_outs (
    user_id    TEXT        NOT NULL REFERENCES members (spotify_user_id) ON DELETE CASCADE,
    category   TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, category)
);

-- Mails to send, written in the transaction that decides them. dedupe_key names the occasion (kind, member, the
-- authorisation's expiry, the threshold): a second decision for the same occasion, from any replica, inserts nothing.
-- The relay claims due PENDING rows with FOR UPDATE SKIP LOCKED, sends them and marks them SENT in that transaction;
-- a failed send leaves the row PENDING with a later next_attempt_at. Neither address nor link is stored: both are
-- made when the mail is rendered, from the member's row (a deleted member's mails go with it).
CREATE TABLE mail_outbox (
    id              BIGSERIAL   PRIMARY KEY,
    kind            TEXT        NOT NULL,
    user_id         TEXT        NOT NULL REFERENCES members (spotify_user_id) ON DELETE CASCADE,
    dedupe_key      TEXT        NOT NULL UNIQUE,
    -- the instant the mail is about: the date to reconnect by
    about_at        TIMESTAMPTZ,
    state           TEXT        NOT NULL CHECK (state IN ('PENDING', 'SENT', 'DROPPED')),
    attempts        INT         NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE state = 'PENDING';
