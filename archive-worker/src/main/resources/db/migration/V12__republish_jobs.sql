-- Republish jobs: archived plays written back onto a plays topic (Republisher), one at a time across replicas.
CREATE TABLE republish_jobs (
    id                 BIGSERIAL   PRIMARY KEY,
    -- null: every member
    user_id            TEXT,
    -- null: from each member's first play
    since              TIMESTAMPTZ,
    topic              TEXT        NOT NULL,
    state              TEXT        NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    -- plays to write, counted when the job starts running
    total              BIGINT,
    published          BIGINT      NOT NULL DEFAULT 0,
    -- the last play written: a resumed job continues after it
    position_user_id   TEXT,
    position_played_at TIMESTAMPTZ,
    -- the replica running it, for as long as its lease lasts; an expired lease lets another replica resume it
    owner              TEXT,
    lease_until        TIMESTAMPTZ,
    error              TEXT,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at         TIMESTAMPTZ,
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at        TIMESTAMPTZ
);

-- one job at a time: a second request while one is queued or running is refused
CREATE UNIQUE INDEX republish_jobs_one_active ON republish_jobs ((true)) WHERE state IN ('QUEUED', 'RUNNING');
