-- Replays coordinated across replicas (README "Replay / backfill"). One replay builds at a time; the replica holding
-- its lease (owner, lease_until) builds it and renews the lease with every applied batch. A lease not renewed in
-- time is taken over by another replica, which resumes the same generation from the generation's consumer group
-- offsets (takeovers counts how often).
ALTER TABLE replays
    ADD COLUMN owner               TEXT,
    ADD COLUMN lease_until         TIMESTAMPTZ,
    ADD COLUMN heartbeat_at        TIMESTAMPTZ,
    ADD COLUMN takeovers           INT NOT NULL DEFAULT 0,
    -- the end offset of every plays partition (index = partition) when the generation started to be built, read
    -- while read_model_state was locked: a record below it may be in the old generation only, so the replay reads
    -- it; the live consumer writes every record from it on into the building generation (or, after the switch-over,
    -- into the new active one)
    ADD COLUMN handover_offsets    BIGINT[],
    -- the generation this one replaced when it was switched to; its tables are dropped drop-replaced-after later
    ADD COLUMN replaced_generation INT;

-- A replay started before coordination has no handover offsets and no lease anyone could resume: it is failed here,
-- and the next coordinator check on any replica clears building_generation and drops its tables.
UPDATE replays
SET state = 'FAILED', finished_at = now(), detail = 'interrupted by the upgrade to coordinated replays; start a new one'
WHERE state = 'RUNNING';

-- at most one replay is RUNNING, whichever replica starts it
CREATE UNIQUE INDEX replays_one_running ON replays ((true)) WHERE state = 'RUNNING';
