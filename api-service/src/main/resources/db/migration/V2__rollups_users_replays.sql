-- Read model generation 0 = the unsuffixed tables; a replay builds generation N into tables suffixed _gN and
-- switches read_model_state.active_generation over when it has caught up (see README "Read model").
CREATE INDEX plays_user_track ON plays (user_id, track_id, played_at);

-- Rollups per user per LOCAL day in the user's current time zone. A change of zone rebuilds the user's day
-- rollups from plays in the same transaction that changes the zone.
CREATE TABLE track_days (
    user_id  TEXT   NOT NULL,
    day      DATE   NOT NULL,
    track_id TEXT   NOT NULL,
    plays    BIGINT NOT NULL,
    ms       BIGINT NOT NULL,
    PRIMARY KEY (user_id, day, track_id)
);
CREATE TABLE artist_days (
    user_id   TEXT   NOT NULL,
    day       DATE   NOT NULL,
    artist_id TEXT   NOT NULL,
    plays     BIGINT NOT NULL,
    ms        BIGINT NOT NULL,
    PRIMARY KEY (user_id, day, artist_id)
);
CREATE TABLE album_days (
    user_id  TEXT   NOT NULL,
    day      DATE   NOT NULL,
    album_id TEXT   NOT NULL,
    plays    BIGINT NOT NULL,
    ms       BIGINT NOT NULL,
    PRIMARY KEY (user_id, day, album_id)
);
CREATE TABLE hour_days (
    user_id TEXT     NOT NULL,
    day     DATE     NOT NULL,
    hour    SMALLINT NOT NULL,
    plays   BIGINT   NOT NULL,
    ms      BIGINT   NOT NULL,
    PRIMARY KEY (user_id, day, hour)
);

-- All-time totals per item (zone independent): first/last play, counts, ranks, discoveries.
CREATE TABLE track_totals (
    user_id  TEXT        NOT NULL,
    track_id TEXT        NOT NULL,
    first_at TIMESTAMPTZ NOT NULL,
    last_at  TIMESTAMPTZ NOT NULL,
    plays    BIGINT      NOT NULL,
    ms       BIGINT      NOT NULL,
    PRIMARY KEY (user_id, track_id)
);
CREATE TABLE artist_totals (
    user_id   TEXT        NOT NULL,
    artist_id TEXT        NOT NULL,
    first_at  TIMESTAMPTZ NOT NULL,
    last_at   TIMESTAMPTZ NOT NULL,
    plays     BIGINT      NOT NULL,
    ms        BIGINT      NOT NULL,
    PRIMARY KEY (user_id, artist_id)
);
CREATE INDEX artist_totals_first ON artist_totals (user_id, first_at);
CREATE TABLE album_totals (
    user_id  TEXT        NOT NULL,
    album_id TEXT        NOT NULL,
    first_at TIMESTAMPTZ NOT NULL,
    last_at  TIMESTAMPTZ NOT NULL,
    plays    BIGINT      NOT NULL,
    ms       BIGINT      NOT NULL,
    PRIMARY KEY (user_id, album_id)
);

-- Listening sessions: maximal runs of plays whose consecutive played_at are at most the session gap apart.
CREATE TABLE sessions (
    user_id  TEXT        NOT NULL,
    start_at TIMESTAMPTZ NOT NULL,
    end_at   TIMESTAMPTZ NOT NULL,
    plays    BIGINT      NOT NULL,
    ms       BIGINT      NOT NULL,
    PRIMARY KEY (user_id, start_at)
);
CREATE INDEX sessions_end ON sessions (user_id, end_at);

-- Not generational: catalogue names (latest seen wins), users, settings, operations.
CREATE TABLE catalogue_tracks (
    track_id     TEXT   NOT NULL PRIMARY KEY,
    name         TEXT   NOT NULL,
    album_id     TEXT   NOT NULL,
    artist_ids   TEXT[] NOT NULL,
    artist_names TEXT[] NOT NULL
);
CREATE TABLE catalogue_artists (
    artist_id TEXT NOT NULL PRIMARY KEY,
    name      TEXT NOT NULL
);
CREATE TABLE catalogue_albums (
    album_id TEXT NOT NULL PRIMARY KEY,
    name     TEXT NOT NULL
);

-- One row per user; its row lock serialises every write of that user's read model (plays, zone changes).
CREATE TABLE user_settings (
    user_id   TEXT   NOT NULL PRIMARY KEY,
    time_zone TEXT   NOT NULL DEFAULT 'UTC',
    version   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE user_status (
    user_id                TEXT        NOT NULL PRIMARY KEY,
    display_name           TEXT,
    state                  TEXT        NOT NULL,
    registered_at          TIMESTAMPTZ,
    authorized_at          TIMESTAMPTZ,
    last_event_at          TIMESTAMPTZ NOT NULL,
    last_successful_poll   TIMESTAMPTZ,
    last_poll_failure      TEXT
);
CREATE INDEX user_status_state ON user_status (state);

-- Deleted users: their plays are skipped by consumers and replays until they register again.
CREATE TABLE deleted_users (
    user_id    TEXT        NOT NULL PRIMARY KEY,
    deleted_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE poll_outcomes_hourly (
    hour    TIMESTAMPTZ NOT NULL,
    outcome TEXT        NOT NULL,
    polls   BIGINT      NOT NULL,
    PRIMARY KEY (hour, outcome)
);

CREATE TABLE plays_ingested_hourly (
    hour  TIMESTAMPTZ NOT NULL PRIMARY KEY,
    plays BIGINT      NOT NULL
);

CREATE TABLE read_model_state (
    id                  INT NOT NULL PRIMARY KEY CHECK (id = 1),
    active_generation   INT NOT NULL,
    building_generation INT
);
INSERT INTO read_model_state (id, active_generation) VALUES (1, 0);

CREATE TABLE replays (
    generation     INT         NOT NULL PRIMARY KEY,
    state          TEXT        NOT NULL,
    consumer_group TEXT        NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    records        BIGINT      NOT NULL DEFAULT 0,
    lag            BIGINT,
    detail         TEXT
);
