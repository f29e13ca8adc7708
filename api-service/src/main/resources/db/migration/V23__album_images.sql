-- Artwork (issue 27): every play carries its album's largest cover URL. Each play keeps the URL it arrived with (a
-- replay's rollup build and a member's rebuild derive the catalogue from the plays, as they do the names), and the
-- catalogue keeps the latest one known per album, which history, tops and item pages serve. Plays folded before
-- this column existed have none: the next play of the album, or a replay of the topic, fills the catalogue.
ALTER TABLE catalogue_albums ADD COLUMN image_url TEXT;

-- History filtered by album (GET /api/v1/me/plays?album=) reads the member's plays of that album only, as the
-- track filter does with plays_user_track.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables
             WHERE schemaname = current_schema() AND tablename ~ '^plays(_g[0-9]+)?$' LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN album_image_url TEXT', t);
        EXECUTE format('CREATE INDEX %I ON %I (user_id, album_id, played_at)', t || '_user_album', t);
    END LOOP;
END $$;
