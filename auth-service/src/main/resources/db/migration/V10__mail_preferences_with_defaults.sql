-- Categories now have a default (the monthly summary is off until the member turns it on), so a member's choice is
-- kept either way: a row says wanted or not, no row means the category's default (MailCategory). The opt-outs kept
-- so far become rows with wanted = false.
ALTER TABLE mail_opt_outs RENAME TO mail_preferences;
ALTER TABLE mail_preferences RENAME COLUMN created_at TO updated_at;
ALTER TABLE mail_preferences ADD COLUMN wanted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE mail_preferences ALTER COLUMN wanted DROP DEFAULT;
-- the monthly job looks for the members who turned a category on
CREATE INDEX mail_preferences_wanted ON mail_preferences (category) WHERE wanted;
