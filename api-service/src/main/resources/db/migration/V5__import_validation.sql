-- Imports (issue 19): the first entries skipped as invalid, each with its file, entry index, line and reason.
ALTER TABLE imports ADD COLUMN rejected JSONB NOT NULL DEFAULT '[]';
