-- Normalised catalogue: each artist, album and track once, whoever played it.
CREATE TABLE artists (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE albums (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    release_date TEXT,
    image_url    TEXT
);

CREATE TABLE tracks (
    id          TEXT   PRIMARY KEY,
    name        TEXT   NOT NULL,
    duration_ms BIGINT NOT NULL,
    isrc        TEXT,
    album_id    TEXT   NOT NULL REFERENCES albums (id)
);

CREATE TABLE track_artists (
    track_id  TEXT     NOT NULL REFERENCES tracks (id),
    artist_id TEXT     NOT NULL REFERENCES artists (id),
    position  SMALLINT NOT NULL,
    PRIMARY KEY (track_id, artist_id)
);

-- Every play of every user, once: (user, played_at) is the de-duplication key.
CREATE TABLE play_events (
    user_id     TEXT        NOT NULL,
    played_at   TIMESTAMPTZ NOT NULL,
    track_id    TEXT        NOT NULL REFERENCES tracks (id),
    ms_played   BIGINT      NOT NULL,
    source      TEXT        NOT NULL CHECK (source IN ('POLL', 'IMPORT')),
    import_id   TEXT,
    archived_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, played_at)
);
