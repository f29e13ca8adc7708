-- The distinct tracks, artists and albums of a window were counted by hashing one row per item and tier range: a
-- custom 90-day window of a member with 5,000 tracks read and hashed about 18,000 day and month rows per kind, and a
-- window of a few years far more (every month of its partial years). Each year row of an item now also says on which
-- local days of its year the item was played (bit n = day n + 1 of the year), so the items of any window are its
-- years' rows whose days meet the window: one row per item and year it touches, tested against a mask, without
-- months or days. The days are in the key's leaf entries with plays and ms, so the read stays an index-only scan.
-- Created for the active generation and a generation being built, and filled from their day rollups.
DO $$
DECLARE
    generation INT;
    suffix TEXT;
    kind TEXT;
    target TEXT;
    key_name TEXT;
    key_columns TEXT;
BEGIN
    FOR generation IN
        SELECT active_generation FROM read_model_state WHERE id = 1
        UNION SELECT building_generation FROM read_model_state WHERE id = 1 AND building_generation IS NOT NULL
    LOOP
        suffix := CASE WHEN generation = 0 THEN '' ELSE '_g' || generation END;
        FOREACH kind IN ARRAY ARRAY['track', 'artist', 'album']
        LOOP
            target := kind || '_years' || suffix;
            IF to_regclass(target) IS NULL THEN
                CONTINUE;
            END IF;
            EXECUTE format('ALTER TABLE %I ADD COLUMN days BIT(366)', target);
            EXECUTE format('UPDATE %I y SET days = d.days FROM ('
                    || ' SELECT user_id, date_trunc(''year'', day)::date AS year, %I AS item,'
                    || ' bit_or(CAST(B''1'' AS BIT(366)) >> (day - date_trunc(''year'', day)::date)) AS days'
                    || ' FROM %I GROUP BY 1, 2, 3) d'
                    || ' WHERE y.user_id = d.user_id AND y.year = d.year AND y.%I = d.item',
                    target, kind || '_id', kind || '_days' || suffix, kind || '_id');
            -- every year row has day rows (both come from the same plays), so none is left unset
            EXECUTE format('ALTER TABLE %I ALTER COLUMN days SET NOT NULL', target);
            -- a generation in its bulk load has no keys yet: it gets the active generation's when its load ends
            SELECT k.conname, substring(pg_get_constraintdef(k.oid) FROM '^PRIMARY KEY (\([^)]*\))')
            INTO key_name, key_columns
            FROM pg_constraint k
            WHERE k.conrelid = to_regclass(target) AND k.contype = 'p';
            IF key_name IS NOT NULL THEN
                EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I,'
                        || ' ADD CONSTRAINT %I PRIMARY KEY %s INCLUDE (plays, ms, days)',
                        target, key_name, key_name, key_columns);
            END IF;
        END LOOP;
    END LOOP;
END
$$;
