-- What the polls of a member verified, as runs of time: from one successful poll to the next, either complete (the
-- later poll's page reached back past the earlier poll) or with a gap (its page was full and plays may be lost).
-- Adjacent runs of the same kind are merged, so a member polled without trouble has one row however long ago they
-- joined. Written from archive.outcomes; the time since the last successful poll is not verified yet and has no row.
CREATE TABLE archive_coverage (
    user_id   TEXT        NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at   TIMESTAMPTZ NOT NULL,
    gap       BOOLEAN     NOT NULL,
    PRIMARY KEY (user_id, starts_at),
    CHECK (ends_at >= starts_at)
);
