-- A revocation outlives the deleted member's row by the lifetime of their last API token (about 16 minutes): it is
-- kept under the SHA-256 of the member's id (MemberKey), so nothing left here names a deleted member.
ALTER TABLE api_token_revocations RENAME COLUMN user_id TO user_key;
UPDATE api_token_revocations SET user_key = encode(sha256(convert_to(user_key, 'UTF8')), 'hex');
