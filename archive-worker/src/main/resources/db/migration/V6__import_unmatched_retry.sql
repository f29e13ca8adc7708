-- Imports (issue 9), third part: account-data entries that matched no track are retried when the catalogue grows.

-- When a track entered the catalogue. Tracks already there get the migration's time, so the retry job compares each
-- of them with the unmatched entries once.
ALTER TABLE tracks ADD COLUMN added_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX tracks_added ON tracks (added_at, id);

-- A row identity (one import may hold the same entry twice: two plays ending in one minute), the track name's key
-- (stored: computing it for every row when new tracks are compared cost more than the comparison) and the flag set
-- on entries that a newly added track matches by name; the retry job archives flagged entries in batches.
ALTER TABLE import_unmatched ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
ALTER TABLE import_unmatched ADD COLUMN track_key TEXT GENERATED ALWAYS AS (import_name_key(track_name)) STORED;
ALTER TABLE import_unmatched ADD COLUMN retry BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX import_unmatched_name_key ON import_unmatched (track_key) WHERE NOT retry;
CREATE INDEX import_unmatched_retry ON import_unmatched (user_id) WHERE retry;

-- The last track (added_at, id) the retry job has compared with the unmatched entries; one row.
CREATE TABLE import_unmatched_cursor (
    singleton BOOLEAN     PRIMARY KEY DEFAULT true CHECK (singleton),
    added_at  TIMESTAMPTZ NOT NULL,
    track_id  TEXT        NOT NULL
);
INSERT INTO import_unmatched_cursor (added_at, track_id) VALUES ('-infinity', '');
