-- Issue 27: artists' details (genres, picture) from catalogue.artists (CatalogueArtistsConsumer). Not generational,
-- like the rest of the catalogue: a replay rebuilds a generation from plays, which carry no genres, so genres kept
-- per generation would be lost at every switch-over, while the catalogue.artists topic is read by one consumer group
-- whatever the generation. A record replaces the artist's row unless the row was fetched later (redelivery, a
-- re-driven dead letter). change takes a new value from the sequence whenever an artist's genres change: the
-- largest is the genres' version, part of the ETag and cache key of answers that depend on genres.
CREATE SEQUENCE catalogue_artist_details_change;
CREATE TABLE catalogue_artist_details (
    artist_id  TEXT        NOT NULL PRIMARY KEY,
    genres     TEXT[]      NOT NULL,
    image_url  TEXT,
    fetched_at TIMESTAMPTZ NOT NULL,
    change     BIGINT      NOT NULL DEFAULT nextval('catalogue_artist_details_change')
);
-- the artists of one genre (the genre filter of the top lists)
CREATE INDEX catalogue_artist_details_genres ON catalogue_artist_details USING gin (genres);
CREATE INDEX catalogue_artist_details_by_change ON catalogue_artist_details (change);
