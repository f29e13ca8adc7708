-- Founding members, keyed by their stable Spotify user id.
CREATE TABLE members (
    spotify_user_id TEXT        PRIMARY KEY,
    display_name    TEXT,
    status          TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'NEEDS_REAUTH', 'DELETED')),
    time_zone       TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
