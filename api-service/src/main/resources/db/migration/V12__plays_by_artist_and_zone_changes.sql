-- History filtered by artist (GET /api/v1/me/plays?artist=): "? = ANY (artist_ids)" cannot use an index, so it read
-- every play of the member. Each play is indexed under one key per artist, "<user_id> US <artist_id>" (US: the unit
-- separator, in no Spotify id), in a GIN index: a member's plays of one artist are found without reading the rest.
-- The function is the index's expression; queries must call it exactly so.
CREATE FUNCTION play_artist_keys(user_id TEXT, artist_ids TEXT[]) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ARRAY(SELECT user_id || chr(31) || a FROM unnest(artist_ids) AS a);

DO $$
DECLARE
    t TEXT;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables
             WHERE schemaname = current_schema() AND tablename ~ '^plays(_g[0-9]+)?$' LOOP
        EXECUTE format('CREATE INDEX %I ON %I USING gin (play_artist_keys(user_id, artist_ids))',
                       t || '_by_artist', t);
    END LOOP;
END $$;

-- A member's own time-zone changes are limited per window (each rebuilds all their day rollups while holding their
-- lock, which the fold of everyone's plays in the same batch waits for): changes counted since the window began.
ALTER TABLE user_settings ADD COLUMN zone_changes INT NOT NULL DEFAULT 0;
ALTER TABLE user_settings ADD COLUMN zone_changes_since TIMESTAMPTZ;
