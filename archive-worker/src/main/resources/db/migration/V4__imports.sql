-- Imports of Spotify history files (issue 9).
-- Chunks already archived: a redelivered chunk is recognised and changes nothing.
CREATE TABLE import_chunks_done (
    import_id TEXT NOT NULL,
    sequence  INT  NOT NULL,
    done_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (import_id, sequence)
);

-- The worker's totals per import; version increases with every change and orders the progress reports.
CREATE TABLE import_counts (
    import_id  TEXT   PRIMARY KEY,
    user_id    TEXT   NOT NULL,
    version    BIGINT NOT NULL DEFAULT 0,
    chunks     INT    NOT NULL DEFAULT 0,
    imported   BIGINT NOT NULL DEFAULT 0,
    duplicates BIGINT NOT NULL DEFAULT 0,
    pending    BIGINT NOT NULL DEFAULT 0,
    failed     BIGINT NOT NULL DEFAULT 0
);

-- Imported plays whose track is not in the catalogue yet: kept until the low-priority metadata job fetched it.
CREATE TABLE import_pending (
    user_id   TEXT        NOT NULL,
    played_at TIMESTAMPTZ NOT NULL,
    track_id  TEXT        NOT NULL,
    ms_played BIGINT      NOT NULL,
    import_id TEXT        NOT NULL,
    PRIMARY KEY (user_id, played_at, track_id)
);
CREATE INDEX import_pending_track ON import_pending (track_id);
