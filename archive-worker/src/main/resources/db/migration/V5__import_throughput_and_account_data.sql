-- Imports (issue 9), second part: account-data files matched by name, and rows of minute precision.

-- Plays imported from account-data files (endTime has minute precision) are stored at the middle of their
-- minute; this flag lets later imports treat them as a window [minute - 10 s, minute + 70 s] instead of +/- 10 s.
ALTER TABLE play_events ADD COLUMN minute_precision BOOLEAN NOT NULL DEFAULT false;

-- The key under which names are compared: Unicode NFKC, case-folded, trimmed, inner whitespace collapsed.
CREATE FUNCTION import_name_key(name TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(regexp_replace(btrim(normalize(name, NFKC)), '\s+', ' ', 'g'));

CREATE INDEX tracks_name_key ON tracks (import_name_key(name));

-- Entries of account-data files whose names match no track of the catalogue: kept (never dropped), counted by
-- reason, and visible for a later match.
CREATE TABLE import_unmatched (
    import_id   TEXT        NOT NULL,
    user_id     TEXT        NOT NULL,
    ended_at    TIMESTAMPTZ NOT NULL,
    track_name  TEXT        NOT NULL,
    artist_name TEXT        NOT NULL,
    ms_played   BIGINT      NOT NULL,
    reason      TEXT        NOT NULL
);
CREATE INDEX import_unmatched_by_user ON import_unmatched (user_id, ended_at);
CREATE INDEX import_unmatched_by_import ON import_unmatched (import_id);

-- Unmatched entries per reason, e.g. {"no catalogue match": 3}.
ALTER TABLE import_counts ADD COLUMN unmatched JSONB NOT NULL DEFAULT '{}';
