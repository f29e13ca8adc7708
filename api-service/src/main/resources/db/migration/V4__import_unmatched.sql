-- Imports (issue 9): account-data entries the worker could not match to a track, by reason.
ALTER TABLE imports ADD COLUMN unmatched JSONB NOT NULL DEFAULT '{}';
