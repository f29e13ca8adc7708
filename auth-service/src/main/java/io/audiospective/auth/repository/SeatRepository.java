package io.audiospective.auth.repository;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.sql.Db;

/**
 * The founding-member seats, counted in one row so that taking a seat is one atomic statement. Seats reserved for
 * admitted waitlist entries (their open claims, {@code reserved_seats}) are free to nobody else.
 */
@ApplicationScoped
public class SeatRepository {

    private final Db db;

    SeatRepository(Db db) {
        this.db = db;
    }

    /**
     * Takes a seat if one is free under {@code cap} plus the seats admins added, less the reserved ones; false when
     * full.
     */
    public boolean takeSeat(int cap) {
        return db.update("""
                UPDATE membership SET seats_taken = seats_taken + 1
                WHERE id = 1 AND seats_taken + reserved_seats < ? + extra_seats
                """, cap) == 1;
    }

    /** Turns one reserved seat into a taken one (an admitted person used their claim). */
    public void takeReservedSeat() {
        if (db.update("""
                UPDATE membership SET seats_taken = seats_taken + 1, reserved_seats = reserved_seats - 1
                WHERE id = 1 AND reserved_seats > 0
                """) != 1) {
            throw new IllegalStateException("an open claim without a reserved seat");
        }
    }

    /** An admission: one more seat, reserved for the admitted entry. */
    public void addReservedSeat() {
        db.update(
                "UPDATE membership SET extra_seats = extra_seats + 1, reserved_seats = reserved_seats + 1 WHERE id = 1");
    }

    /** A claim ran out with nobody in line to pass it to: its seat is free to anyone. */
    public void releaseReservedSeat() {
        db.update("UPDATE membership SET reserved_seats = reserved_seats - 1 WHERE id = 1 AND reserved_seats > 0");
    }

    public void releaseSeat() {
        db.update("UPDATE membership SET seats_taken = seats_taken - 1 WHERE id = 1 AND seats_taken > 0");
    }

    /** The founding seats: the cap, those admins added, taken, reserved for open claims, and free to anyone. */
    public record Seats(int cap, int extra, int taken, int reserved, int free) {}

    public Seats seats(int cap) {
        return db.queryOne("SELECT extra_seats, seats_taken, reserved_seats FROM membership WHERE id = 1", rs -> {
                    int extra = rs.getInt("extra_seats");
                    int taken = rs.getInt("seats_taken");
                    int reserved = rs.getInt("reserved_seats");
                    return new Seats(cap, extra, taken, reserved, Math.max(0, cap + extra - taken - reserved));
                })
                .orElseThrow(() -> new IllegalStateException("no membership row"));
    }

    public boolean hasFreeSeat(int cap) {
        return db.queryOne(
                        "SELECT 1 FROM membership WHERE seats_taken + reserved_seats < ? + extra_seats",
                        rs -> true,
                        cap)
                .isPresent();
    }
}
