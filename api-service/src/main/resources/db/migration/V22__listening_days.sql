-- One row per member and local day with plays, so timelines and streaks read a row per listening day instead of up
-- to 24 (one per hour of hour_days). It is the hour rollup summed over its hours, so its days are the members' local
-- days exactly as the hour rows' are (DST days, +05:30/+05:45 zones), and it moves with them everywhere.
-- Created for the active generation and a generation being built, and filled from their hour rollups.
DO $$
DECLARE
    generation INT;
    suffix TEXT;
BEGIN
    FOR generation IN
        SELECT active_generation FROM read_model_state WHERE id = 1
        UNION SELECT building_generation FROM read_model_state WHERE id = 1 AND building_generation IS NOT NULL
    LOOP
        suffix := CASE WHEN generation = 0 THEN '' ELSE '_g' || generation END;
        EXECUTE format('CREATE TABLE %I (user_id TEXT NOT NULL, day DATE NOT NULL, plays BIGINT NOT NULL,'
                || ' ms BIGINT NOT NULL, PRIMARY KEY (user_id, day))', 'listening_days' || suffix);
        EXECUTE format('INSERT INTO %I (user_id, day, plays, ms)'
                || ' SELECT user_id, day, sum(plays), sum(ms) FROM %I GROUP BY 1, 2',
                'listening_days' || suffix, 'hour_days' || suffix);
    END LOOP;
END
$$;
