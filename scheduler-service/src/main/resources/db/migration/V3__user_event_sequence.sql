-- The sequence of the lifecycle event the status comes from (UserEvent.sequence, drawn by auth-service's database):
-- it, not the replicas' wall clocks, decides whether an event is newer. NULL: a status from before sequences.
ALTER TABLE scheduled_users ADD COLUMN event_sequence BIGINT;
