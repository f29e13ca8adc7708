-- Coarser tiers of the day rollups, so a statistics window is answered from whole years + whole months + edge days
-- (a few rows per item whatever the window's length) instead of one row per item and day. Each tier is the sum of
-- the day rows of its local month or year in the member's current zone, so DST days and +05:30/+05:45 zones stay as
-- exact as the days, and a change of zone rebuilds them with the days. Hours are kept per hour of the week
-- (weekhour = (ISO weekday - 1) * 24 + local hour, 0..167): the listening clock and the window's plays and ms.
-- Created for the active generation and a generation being built, and filled from their day rollups.
DO $$
DECLARE
    generation INT;
    suffix TEXT;
    item RECORD;
    tier TEXT;
    target TEXT;
BEGIN
    FOR generation IN
        SELECT active_generation FROM read_model_state WHERE id = 1
        UNION SELECT building_generation FROM read_model_state WHERE id = 1 AND building_generation IS NOT NULL
    LOOP
        suffix := CASE WHEN generation = 0 THEN '' ELSE '_g' || generation END;
        FOR item IN SELECT * FROM (VALUES
                ('track', 'track_id', 'TEXT', 'track_id'),
                ('artist', 'artist_id', 'TEXT', 'artist_id'),
                ('album', 'album_id', 'TEXT', 'album_id'),
                ('hour', 'weekhour', 'SMALLINT', '((EXTRACT(ISODOW FROM day)::int - 1) * 24 + hour)')
            ) AS k(name, key, type, value)
        LOOP
            FOREACH tier IN ARRAY ARRAY['month', 'year']
            LOOP
                target := item.name || '_' || tier || 's' || suffix;
                EXECUTE format('CREATE TABLE %I (user_id TEXT NOT NULL, %I DATE NOT NULL, %I %s NOT NULL,'
                        || ' plays BIGINT NOT NULL, ms BIGINT NOT NULL, PRIMARY KEY (user_id, %I, %I))',
                        target, tier, item.key, item.type, tier, item.key);
                EXECUTE format('INSERT INTO %I (user_id, %I, %I, plays, ms)'
                        || ' SELECT user_id, date_trunc(%L, day)::date, %s, sum(plays), sum(ms) FROM %I GROUP BY 1, 2, 3',
                        target, tier, item.key, tier, item.value, item.name || '_days' || suffix);
            END LOOP;
        END LOOP;
    END LOOP;
END
$$;
