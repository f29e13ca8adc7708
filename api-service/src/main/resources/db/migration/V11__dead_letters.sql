-- Every record set aside on a <topic>.dlq by any service, collected by api-service's dead-letters consumer so that
-- operators see them by topic and reason and can put them back on their source topic (re-drive). Keyed by where the
-- dead letter is on its .dlq, so collecting one twice changes nothing.
CREATE TABLE dead_letters (
    dlq_topic        text        NOT NULL,
    dlq_partition    integer     NOT NULL,
    dlq_offset       bigint      NOT NULL,
    source_topic     text        NOT NULL,
    source_partition integer,
    source_offset    bigint,
    record_key       text,
    payload          bytea,
    -- the record's own headers (not the dead-letter ones): [{"key": ..., "value": base64}], sent again on re-drive
    headers          jsonb       NOT NULL DEFAULT '[]',
    reason           text        NOT NULL,
    reason_code      text        NOT NULL,
    kind             text,
    dead_lettered_at timestamptz NOT NULL,
    redriven_at      timestamptz,
    PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset)
);

CREATE INDEX dead_letters_pending ON dead_letters (source_topic, reason_code) WHERE redriven_at IS NULL;
