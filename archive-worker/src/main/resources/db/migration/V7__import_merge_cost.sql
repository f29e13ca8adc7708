-- Imports (issue 9), fourth part: what an imported chunk costs PostgreSQL. Measured per chunk of 5,000 entries, the
-- foreign key play_events -> tracks (a locking look-up per inserted row) was about 40 % of the merge, and the outbox
-- rows with their JSON (written, then deleted by the relay: 3 MB of payload per chunk) about a third.

-- The catalogue is append-only: tracks are never deleted, so a play's track, once there, stays.
CREATE FUNCTION catalogue_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the catalogue is append-only: % may not be deleted from', TG_TABLE_NAME;
END $$;
CREATE TRIGGER tracks_append_only BEFORE DELETE OR TRUNCATE ON tracks
    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_is_append_only();

-- A play's track must be in the catalogue: checked once per statement over the rows it wrote (one anti-join), which
-- with an append-only catalogue guarantees what the per-row foreign key did.
CREATE FUNCTION play_tracks_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing TEXT;
BEGIN
    SELECT n.track_id INTO missing FROM written n
    WHERE NOT EXISTS (SELECT 1 FROM tracks t WHERE t.id = n.track_id) LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'play_events: track % is not in the catalogue', missing USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER play_events_tracks_exist_on_insert AFTER INSERT ON play_events
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION play_tracks_exist();
CREATE TRIGGER play_events_tracks_exist_on_update AFTER UPDATE ON play_events
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION play_tracks_exist();
ALTER TABLE play_events DROP CONSTRAINT play_events_track_id_fkey;

-- An outbox row is either one encoded message (payload) or, for imported plays, a reference to plays of the row's
-- user (message_key) by played_at, in epoch microseconds: the relay builds their PlayEvents from play_events and the
-- catalogue when it publishes them. events: how many messages the row stands for.
ALTER TABLE outbox ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN played_ats BIGINT[];
ALTER TABLE outbox ADD COLUMN events INTEGER NOT NULL DEFAULT 1;
ALTER TABLE outbox ADD CONSTRAINT outbox_payload_or_plays CHECK ((payload IS NULL) <> (played_ats IS NULL));
