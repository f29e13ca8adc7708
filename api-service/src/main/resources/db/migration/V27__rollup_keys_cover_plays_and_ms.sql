-- A statistics window sums (plays, ms) of thousands of rollup rows per member (a custom 90-day window of a member
-- with 5,000 tracks: about 18,000 day and month rows). Read through the primary key alone, each row cost a visit to
-- its heap page, and a tier's rows of one member lie on as many pages as rows (built in item order): 11,700 buffer
-- visits and 17 ms for that window. With plays and ms in the key's leaf entries the same read is an index-only scan
-- of about 300 pages. The key stays (user, period, item); INCLUDE adds no uniqueness, so every ON CONFLICT target
-- is unchanged. New generations copy the active generation's keys, so they get the same.
-- An index-only scan reads the heap for pages not marked all-visible, so these tables are vacuumed after every
-- 10,000 new rows (and 1 % changed), not after a fifth of the table as by default: a member's first import into a
-- table of 100 million rows would otherwise stay unvacuumed until 20 million more arrived. A new generation copies
-- these settings too (ReplayRepository).
DO $$
DECLARE
    generation INT;
    suffix TEXT;
    base TEXT;
    target TEXT;
    key_name TEXT;
    key_columns TEXT;
BEGIN
    FOR generation IN
        SELECT active_generation FROM read_model_state WHERE id = 1
        UNION SELECT building_generation FROM read_model_state WHERE id = 1 AND building_generation IS NOT NULL
    LOOP
        suffix := CASE WHEN generation = 0 THEN '' ELSE '_g' || generation END;
        FOREACH base IN ARRAY ARRAY['track_days', 'artist_days', 'album_days', 'hour_days', 'listening_days',
                'track_months', 'track_years', 'artist_months', 'artist_years', 'album_months', 'album_years',
                'hour_months', 'hour_years']
        LOOP
            target := base || suffix;
            -- a generation in its bulk load has no keys yet: it gets the active generation's when its load ends
            SELECT k.conname, substring(pg_get_constraintdef(k.oid) FROM '^PRIMARY KEY (\([^)]*\))')
            INTO key_name, key_columns
            FROM pg_constraint k
            WHERE k.conrelid = to_regclass(target) AND k.contype = 'p';
            IF key_name IS NOT NULL THEN
                EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I, ADD CONSTRAINT %I PRIMARY KEY %s INCLUDE (plays, ms)',
                        target, key_name, key_name, key_columns);
            END IF;
            IF to_regclass(target) IS NOT NULL THEN
                EXECUTE format('ALTER TABLE %I SET (autovacuum_vacuum_insert_threshold = 10000,'
                        || ' autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01)', target);
            END IF;
        END LOOP;
    END LOOP;
END
$$;
