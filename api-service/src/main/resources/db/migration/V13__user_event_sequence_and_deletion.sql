-- The sequence of the last lifecycle event applied per member (UserEvent.sequence, drawn by auth-service's database):
-- it, not the replicas' wall clocks, decides whether an event is newer. NULL: only events from before sequences.
ALTER TABLE user_status ADD COLUMN last_event_sequence BIGINT;
