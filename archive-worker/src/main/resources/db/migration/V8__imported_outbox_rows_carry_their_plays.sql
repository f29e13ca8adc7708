-- Imports (issue 9), fifth part. The outbox row of imported plays carries what their events need besides the
-- catalogue's tracks (track ids, ms played, the import), in the order of played_ats: the relay used to look each
-- play up again in play_events, one primary-key probe per play (170-220 ms per 20,000 plays in psql, against about
-- 9 ms to read the arrays, which compress to a few kB).
ALTER TABLE outbox ADD COLUMN import_id TEXT;
ALTER TABLE outbox ADD COLUMN track_ids TEXT[];
ALTER TABLE outbox ADD COLUMN ms_played BIGINT[];

-- rows written before this version: their plays as play_events has them (rows whose plays are all gone, e.g. with
-- their user, had nothing left to publish)
UPDATE outbox o
SET played_ats = f.played_ats, track_ids = f.track_ids, ms_played = f.ms_played, import_id = f.import_id,
    events = cardinality(f.played_ats)
FROM (SELECT r.id, array_agg(a.micros ORDER BY a.ord) AS played_ats, array_agg(p.track_id ORDER BY a.ord) AS track_ids,
             array_agg(p.ms_played ORDER BY a.ord) AS ms_played, min(p.import_id) AS import_id
      FROM outbox r
      CROSS JOIN LATERAL unnest(r.played_ats) WITH ORDINALITY AS a(micros, ord)
      JOIN play_events p ON p.user_id = r.message_key
                        AND p.played_at = timestamptz 'epoch' + a.micros * interval '1 microsecond'
      WHERE r.played_ats IS NOT NULL
      GROUP BY r.id) f
WHERE o.id = f.id;
DELETE FROM outbox WHERE played_ats IS NOT NULL AND track_ids IS NULL;

ALTER TABLE outbox ADD CONSTRAINT outbox_imported_plays_complete CHECK (played_ats IS NULL
    OR (import_id IS NOT NULL AND cardinality(track_ids) = cardinality(played_ats)
        AND cardinality(ms_played) = cardinality(played_ats)));

-- The track check of V7 over each distinct track of a statement, not each row: an imported chunk of 5,000 plays
-- has a few hundred tracks.
CREATE OR REPLACE FUNCTION play_tracks_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing TEXT;
BEGIN
    SELECT n.track_id INTO missing FROM (SELECT DISTINCT track_id FROM written) n
    WHERE NOT EXISTS (SELECT 1 FROM tracks t WHERE t.id = n.track_id) LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'play_events: track % is not in the catalogue', missing USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
