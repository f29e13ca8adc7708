-- Admission reserves a seat for the admitted entry until its claim expires (issue 26). reserved_seats counts the open
-- claims in the one membership row, so a newcomer's seat check (seats_taken + reserved_seats < cap + extra_seats)
-- stays one atomic statement and can never take a reserved seat.
ALTER TABLE membership ADD COLUMN reserved_seats INT NOT NULL DEFAULT 0 CHECK (reserved_seats >= 0);

-- An admitted entry's claim: open until claim_expires_at, then used (claimed_at) or released (claim_expired_at).
-- Entries admitted before this migration got an unreserved seat and have no claim.
ALTER TABLE waitlist ADD COLUMN claim_expires_at TIMESTAMPTZ;
ALTER TABLE waitlist ADD COLUMN claimed_at TIMESTAMPTZ;
ALTER TABLE waitlist ADD COLUMN claim_expired_at TIMESTAMPTZ;
-- the expiry job's scan: open claims by expiry
CREATE INDEX waitlist_open_claims ON waitlist (claim_expires_at)
    WHERE claimed_at IS NULL AND claim_expired_at IS NULL AND claim_expires_at IS NOT NULL;
-- the next in line: confirmed, not admitted, oldest first
CREATE INDEX waitlist_in_line ON waitlist (created_at, id) WHERE verified_at IS NOT NULL AND admitted_at IS NULL;
