-- Denormalised plays, one row per (user, played_at): the de-duplication key of the whole product.
CREATE TABLE plays (
    user_id      TEXT        NOT NULL,
    played_at    TIMESTAMPTZ NOT NULL,
    track_id     TEXT        NOT NULL,
    track_name   TEXT        NOT NULL,
    album_id     TEXT        NOT NULL,
    album_name   TEXT        NOT NULL,
    artist_ids   TEXT[]      NOT NULL,
    artist_names TEXT[]      NOT NULL,
    ms_played    BIGINT      NOT NULL,
    source       TEXT        NOT NULL,
    PRIMARY KEY (user_id, played_at)
);
