-- Imports of Spotify history files (issue 9): one row per job, counters from the upload and from the worker.
CREATE TABLE imports (
    id               TEXT        PRIMARY KEY,
    user_id          TEXT        NOT NULL,
    status           TEXT        NOT NULL CHECK (status IN ('SENDING', 'IMPORTING', 'DONE', 'FAILED')),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at      TIMESTAMPTZ,
    files            TEXT[]      NOT NULL DEFAULT '{}',
    entries_read     BIGINT      NOT NULL DEFAULT 0,
    plays_sent       BIGINT      NOT NULL DEFAULT 0,
    skipped          JSONB       NOT NULL DEFAULT '{}',
    chunks_sent      INT         NOT NULL DEFAULT 0,
    error            TEXT,
    worker_sequence  BIGINT      NOT NULL DEFAULT 0,
    chunks_processed INT         NOT NULL DEFAULT 0,
    imported         BIGINT      NOT NULL DEFAULT 0,
    duplicates       BIGINT      NOT NULL DEFAULT 0,
    pending_metadata BIGINT      NOT NULL DEFAULT 0,
    failed           BIGINT      NOT NULL DEFAULT 0
);
CREATE INDEX imports_by_user ON imports (user_id, created_at DESC);
