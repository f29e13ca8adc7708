-- Imports (issue 19): an imported play whose track Spotify has not described yet is folded under the names its file
-- gives (provisional album and artist ids); the complete version of the same play replaces it later and moves its
-- album and artist rollups. Every generation's plays table gets the flag.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables
             WHERE schemaname = current_schema() AND tablename ~ '^plays(_g[0-9]+)?$' LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN provisional BOOLEAN NOT NULL DEFAULT false', t);
    END LOOP;
END $$;
