-- The end of an import job (DONE or FAILED, ImportOutcome) is written here in the transaction that ends the job and
-- published to imports.outcomes by the relay after it committed, in id order; the relay deletes a row once Kafka has
-- it (service-support's EventOutbox). auth-service mails the member about it.
CREATE TABLE import_outcomes_outbox (
    id         BIGSERIAL   PRIMARY KEY,
    user_id    TEXT        NOT NULL,
    payload    BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
