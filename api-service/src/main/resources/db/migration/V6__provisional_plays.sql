-- Imports (issue 19): an imported play whose track Spotify has not described yet is folded under the names its file
-- gives (provisional album and artist ids); the complete version of the same play replaces it later and moves its
-- album and artist rollups. A member can undo an import: its plays' removal names the import, so only that import's
-- play at an instant is removed. Every generation's plays table gets both columns.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables
             WHERE schemaname = current_schema() AND tablename ~ '^plays(_g[0-9]+)?$' LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN provisional BOOLEAN NOT NULL DEFAULT false', t);
        EXECUTE format('ALTER TABLE %I ADD COLUMN import_id TEXT', t);
        -- a provisional album's or artist's first and last play, read again when a move takes one of them: only
        -- provisional plays are indexed (they have exactly one artist, the file's album artist)
        EXECUTE format('CREATE INDEX %I ON %I (user_id, album_id, played_at) WHERE provisional',
                       t || '_provisional_album', t);
        EXECUTE format('CREATE INDEX %I ON %I (user_id, (artist_ids[1]), played_at) WHERE provisional',
                       t || '_provisional_artist', t);
    END LOOP;
END $$;

-- The worker's catalogue completion of each import: plays archived under the file's names still awaiting Spotify's
-- description, and plays that keep those names because Spotify does not know their track. An import is DONE once
-- every chunk is archived; completion goes on after it.
ALTER TABLE imports ADD COLUMN awaiting_catalogue BIGINT NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN without_catalogue BIGINT NOT NULL DEFAULT 0;

-- Undo: UNDOING from the member's request until the worker reports the plays removed (UNDONE).
ALTER TABLE imports DROP CONSTRAINT imports_status_check;
ALTER TABLE imports ADD CONSTRAINT imports_status_check
    CHECK (status IN ('SENDING', 'IMPORTING', 'DONE', 'FAILED', 'UNDOING', 'UNDONE'));
ALTER TABLE imports ADD COLUMN removed BIGINT NOT NULL DEFAULT 0;
