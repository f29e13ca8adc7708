-- How each encrypted value is bound as AES-GCM associated data: 1 = to the user id alone (values written before
-- this migration), 2 = to the user id, what the value is (refresh or access token) and the key id. Rows are
-- re-sealed in format 2 with the active key by the vault rotation job.
ALTER TABLE spotify_tokens ADD COLUMN refresh_format SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE spotify_tokens ADD COLUMN access_format SMALLINT NOT NULL DEFAULT 1;
