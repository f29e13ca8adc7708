-- One row: how many seats are taken and how many extra seats admins granted beyond the configured cap.
-- Taking a seat is a single conditional UPDATE of this row, so racing sign-ups can never overshoot the cap.
CREATE TABLE membership (
    id           SMALLINT PRIMARY KEY CHECK (id = 1),
    seats_taken  INT      NOT NULL CHECK (seats_taken >= 0),
    extra_seats  INT      NOT NULL DEFAULT 0 CHECK (extra_seats >= 0)
);
INSERT INTO membership (id, seats_taken) SELECT 1, count(*) FROM members WHERE status <> 'DELETED';

ALTER TABLE members ADD COLUMN authorized_at TIMESTAMPTZ;
-- API tokens issued before this instant are not renewed (sign-out).
ALTER TABLE members ADD COLUMN tokens_not_before TIMESTAMPTZ;

-- Spotify tokens, AES-GCM encrypted; key ids let keys rotate.
CREATE TABLE spotify_tokens (
    user_id           TEXT        PRIMARY KEY REFERENCES members (spotify_user_id) ON DELETE CASCADE,
    refresh_key_id    TEXT        NOT NULL,
    refresh_token     BYTEA       NOT NULL,
    access_key_id     TEXT        NOT NULL,
    access_token      BYTEA       NOT NULL,
    access_expires_at TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE waitlist (
    id          BIGSERIAL   PRIMARY KEY,
    email       TEXT        NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    admitted_at TIMESTAMPTZ
);
