-- Issue 27: artists' details go to catalogue.artists (CatalogueArtist, through the outbox) when ArtistDetailsJob
-- stores them. Artists whose details were stored before are queued once here, so api-service gets their genres too
-- without asking Spotify again. The JSON is CatalogueArtist version 1; blank or over-long genres are left out as the
-- job leaves them out. Provisional artists (from imported files) have no details and are not published.
INSERT INTO outbox (topic, message_key, payload)
SELECT 'catalogue.artists', a.id, convert_to(json_build_object(
           'schemaVersion', 1,
           'artistId', a.id,
           'genres', ARRAY(SELECT g FROM unnest(coalesce(a.genres, '{}')) AS g
                           WHERE btrim(g) <> '' AND length(g) <= 100),
           'imageUrl', a.image_url,
           'fetchedAt', to_char(a.details_fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text,
       'UTF8')
FROM artists a
WHERE a.details_fetched_at IS NOT NULL AND (cardinality(a.genres) > 0 OR a.image_url IS NOT NULL)
ORDER BY a.id;
