-- Details that recently-played lacks, filled later by per-id (or batch) artist look-ups, once per artist.
ALTER TABLE artists ADD COLUMN image_url TEXT;
ALTER TABLE artists ADD COLUMN genres TEXT[];
ALTER TABLE artists ADD COLUMN popularity INT;
ALTER TABLE artists ADD COLUMN details_fetched_at TIMESTAMPTZ;
CREATE INDEX artists_without_details ON artists (id) WHERE details_fetched_at IS NULL;
