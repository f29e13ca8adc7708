package io.audiospective.auth.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/** The founding-member seats, counted in one row so that taking a seat is one atomic statement. */
@ApplicationScoped
public class SeatRepository {

    private final EntityManager entityManager;

    SeatRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Takes a seat if one is free under {@code cap} plus the seats admins added; false when full. */
    public boolean takeSeat(int cap) {
        return entityManager.createNativeQuery("""
                UPDATE membership SET seats_taken = seats_taken + 1
                WHERE id = 1 AND seats_taken < :cap + extra_seats
                """).setParameter("cap", cap).executeUpdate() == 1;
    }

    public void releaseSeat() {
        entityManager
                .createNativeQuery(
                        "UPDATE membership SET seats_taken = seats_taken - 1 WHERE id = 1 AND seats_taken > 0")
                .executeUpdate();
    }

    public boolean hasFreeSeat(int cap) {
        return ((Number) entityManager
                                .createNativeQuery(
                                        "SELECT count(*) FROM membership WHERE seats_taken < :cap + extra_seats")
                                .setParameter("cap", cap)
                                .getSingleResult())
                        .intValue()
                == 1;
    }

    public void addSeat() {
        entityManager
                .createNativeQuery("UPDATE membership SET extra_seats = extra_seats + 1 WHERE id = 1")
                .executeUpdate();
    }
}
