-- Imports (issue 19): an imported play is archived at once under the names its file gives, and the catalogue is
-- completed from Spotify afterwards.

-- Where a track's description comes from: SPOTIFY (a poll or a look-up), FILE (only an imported file's names so far:
-- its album and artists have provisional ids derived from those names), UNAVAILABLE (Spotify does not know the id:
-- the file's names are kept for good).
ALTER TABLE tracks ADD COLUMN metadata TEXT NOT NULL DEFAULT 'SPOTIFY'
    CHECK (metadata IN ('SPOTIFY', 'FILE', 'UNAVAILABLE'));
CREATE INDEX tracks_from_file ON tracks (id) WHERE metadata = 'FILE';
-- When a worker took the track to ask Spotify about it: one look-up per track, whichever replica takes it; a claim
-- older than a few minutes (the worker died, Spotify failed) may be taken again.
ALTER TABLE tracks ADD COLUMN lookup_claimed_at TIMESTAMPTZ;

-- Tracks described since they were FILE (by a look-up or a poll) or found unavailable: their archived plays are
-- published again, complete. A track stays queued for a settle time after it was described, so that the plays of
-- a merge that still saw it as FILE (committing after the first round took the others) are found too.
CREATE TABLE catalogue_described (
    track_id     TEXT        PRIMARY KEY,
    described_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX catalogue_described_order ON catalogue_described (described_at);

-- import_pending holds two kinds of imported plays waiting for Spotify's description of their track: archived ones
-- (under the file's names; published again complete once the track is described) and, as before, entries not
-- archived yet because their file does not name their track.
ALTER TABLE import_pending ADD COLUMN archived BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX import_pending_unnamed ON import_pending (import_id) WHERE NOT archived;

-- Per import: plays archived under the file's names still awaiting the catalogue, and plays that keep those names
-- because Spotify does not know their track.
ALTER TABLE import_counts ADD COLUMN awaiting_catalogue BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_counts ADD COLUMN without_catalogue BIGINT NOT NULL DEFAULT 0;
