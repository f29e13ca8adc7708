-- Imports (issue 19): a member can undo an import. Its plays leave play_events, and their removal is published on
-- plays (one outbox row listing them, removed = true) so that every consumer, and every later replay, drops them.
ALTER TABLE outbox ADD COLUMN removed BOOLEAN NOT NULL DEFAULT false;

-- An undone import ignores its chunks from now on; removed: how many plays the undo took out of the archive.
ALTER TABLE import_counts ADD COLUMN undone BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE import_counts ADD COLUMN removed BIGINT NOT NULL DEFAULT 0;
