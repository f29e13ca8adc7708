package io.audiospective.auth.repository;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.sql.Db;

/** The founding-member seats, counted in one row so that taking a seat is one atomic statement. */
@ApplicationScoped
public class SeatRepository {

    private final Db db;

    SeatRepository(Db db) {
        this.db = db;
    }

    /** Takes a seat if one is free under {@code cap} plus the seats admins added; false when full. */
    public boolean takeSeat(int cap) {
        return db.update("""
                UPDATE membership SET seats_taken = seats_taken + 1
                WHERE id = 1 AND seats_taken < ? + extra_seats
                """, cap) == 1;
    }

    public void releaseSeat() {
        db.update("UPDATE membership SET seats_taken = seats_taken - 1 WHERE id = 1 AND seats_taken > 0");
    }

    public boolean hasFreeSeat(int cap) {
        return db.queryOne("SELECT 1 FROM membership WHERE seats_taken < ? + extra_seats", rs -> true, cap)
                .isPresent();
    }

    public void addSeat() {
        db.update("UPDATE membership SET extra_seats = extra_seats + 1 WHERE id = 1");
    }
}
