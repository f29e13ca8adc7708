-- What a mail tells that auth-service does not keep itself, decided with the mail: an import's figures and, for a
-- failed one, the reason (from api-service's ImportOutcome). No address or link: those are still made at rendering.
ALTER TABLE mail_outbox ADD COLUMN details JSONB;
