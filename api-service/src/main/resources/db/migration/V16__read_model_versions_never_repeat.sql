-- user_settings.version names one state of a member's read model: the ETag of stats answers and the key of the shared
-- answer cache in Redis are derived from it. Counting per member from 0 would repeat once a deleted member signs up
-- again (the row is deleted with the rest of their read model), and a cached answer of the erased history could be
-- served under the repeated version. Every version now comes from one sequence, above every version stored so far.
CREATE SEQUENCE user_settings_version_seq;
SELECT setval('user_settings_version_seq', (SELECT coalesce(max(version), 0) + 1 FROM user_settings));
ALTER TABLE user_settings ALTER COLUMN version SET DEFAULT nextval('user_settings_version_seq');
