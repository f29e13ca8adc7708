package io.audiospective.api.service;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.audiospective.api.Views.ArchiveStatus;
import io.audiospective.api.Views.Me;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.api.repository.ErasedMembers;
import io.audiospective.api.repository.StatsRepository;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.UserEvent;
import io.audiospective.support.rest.ProblemException;
import io.audiospective.support.sql.Db;

/** Members as api-service knows them from {@code users} and {@code archive.outcomes}. */
@ApplicationScoped
public class UserService {

    private static final Logger LOG = Logger.getLogger(UserService.class);

    private final Db db;
    private final ReadModelService readModel;
    private final ErasedMembers erased;
    private final StatsRepository stats;
    private final ApiConfig config;

    UserService(Db db, ReadModelService readModel, ErasedMembers erased, StatsRepository stats, ApiConfig config) {
        this.db = db;
        this.erased = erased;
        this.readModel = readModel;
        this.stats = stats;
        this.config = config;
    }

    /**
     * Applies a lifecycle event; an event that is not after the last one applied for the user (by auth-service's
     * sequence, {@link UserEvent#isAfter}) is ignored. A deleted member has no {@code user_status} row: their
     * deletion's tombstone ({@link ErasedMembers}, under a hash of the id) orders their later events.
     */
    @Transactional
    public void apply(UserEvent event) {
        String user = event.userId();
        Optional<Applied> last = db.queryOne(
                        "SELECT last_event_at, last_event_sequence FROM user_status WHERE user_id = ? FOR UPDATE",
                        rs -> new Applied(
                                rs.getObject("last_event_sequence", Long.class), Db.instant(rs, "last_event_at")),
                        user)
                .or(() -> erased.deletion(user).map(deletion -> new Applied(deletion.sequence(), deletion.at())));
        if (last.isPresent() && !event.isAfter(last.get().sequence(), last.get().at())) {
            LOG.debugf(
                    "Ignoring %s of %s (sequence %s): already at %s",
                    event.type(), user, event.sequence(), last.get().sequence());
            return;
        }
        switch (event.type()) {
            case REGISTERED -> {
                // a member who deleted their account and signs up again starts empty: only plays published from now
                erased.readmit(user, event.occurredAt());
                // Other consumers (outcomes, plays) may have created the user's rows first, without a registration:
                // what counts is whether a registration was applied before.
                boolean firstRegistration = db.queryOne(
                                "SELECT 1 FROM user_status WHERE user_id = ? AND registered_at IS NOT NULL",
                                rs -> true,
                                user)
                        .isEmpty();
                db.update("""
                        INSERT INTO user_status (user_id, display_name, state, registered_at, authorized_at, last_event_at)
                        VALUES (?, ?, 'ACTIVE', ?, ?, ?)
                        ON CONFLICT (user_id) DO UPDATE SET display_name = coalesce(EXCLUDED.display_name,
                            user_status.display_name), state = 'ACTIVE',
                            registered_at = coalesce(user_status.registered_at, EXCLUDED.registered_at),
                            authorized_at = EXCLUDED.authorized_at, last_event_at = EXCLUDED.last_event_at
                        """, user, event.displayName(), event.occurredAt(), event.occurredAt(), event.occurredAt());
                if (firstRegistration && validZone(event.timeZone())) {
                    readModel.changeTimeZone(user, event.timeZone());
                }
            }
            case REAUTHORIZED -> upsertState(event, "ACTIVE", true);
            case NEEDS_REAUTH -> upsertState(event, "NEEDS_REAUTH", false);
            case TIME_ZONE_CHANGED -> {
                upsertState(event, null, false);
                if (validZone(event.timeZone())) {
                    readModel.changeTimeZone(user, event.timeZone());
                }
            }
            case DELETED -> {
                // nothing that holds the id stays: the tombstone purge() writes orders what comes after
                readModel.purge(user, event.occurredAt(), event.sequence());
                db.update("DELETE FROM user_status WHERE user_id = ?", user);
                db.update("DELETE FROM imports WHERE user_id = ?", user);
                // records keyed by the member (plays, users) set aside on a .dlq carry their id and data
                db.update("DELETE FROM dead_letters WHERE record_key = ?", user);
                return;
            }
        }
        db.update("UPDATE user_status SET last_event_sequence = ? WHERE user_id = ?", event.sequence(), user);
    }

    private record Applied(Long sequence, Instant at) {}

    private void upsertState(UserEvent event, String state, boolean authorized) {
        db.update(
                """
                INSERT INTO user_status (user_id, display_name, state, authorized_at, last_event_at)
                VALUES (?, ?, coalesce(?, 'ACTIVE'), ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET
                    display_name = coalesce(EXCLUDED.display_name, user_status.display_name),
                    state = coalesce(?, user_status.state),
                    authorized_at = coalesce(EXCLUDED.authorized_at, user_status.authorized_at),
                    last_event_at = EXCLUDED.last_event_at
                """,
                event.userId(),
                event.displayName(),
                state,
                authorized ? event.occurredAt() : null,
                event.occurredAt(),
                state);
    }

    private boolean validZone(String zone) {
        if (zone == null || zone.isBlank()) {
            return false;
        }
        try {
            StatsService.parseZone(zone);
            return true;
        } catch (ProblemException e) {
            LOG.warnf("Ignoring time zone '%s' from the users topic: not an IANA zone id", zone);
            return false;
        }
    }

    /** Folds one poll outcome into the user's archive status and the hourly admin counters. */
    @Transactional
    public void apply(ArchiveOutcome outcome) {
        String kind = outcome.succeeded() ? "OK" : outcome.failureKind().name();
        db.update("""
                INSERT INTO poll_outcomes_hourly (hour, outcome, polls)
                VALUES (date_trunc('hour', CAST(? AS timestamptz) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', ?, 1)
                ON CONFLICT (hour, outcome) DO UPDATE SET polls = poll_outcomes_hourly.polls + 1
                """, outcome.completedAt(), kind);
        if (erased.isErased(outcome.userId())) {
            // a poll that ended as the member deleted their account: no status row for someone who is gone
            return;
        }
        if (outcome.succeeded()) {
            db.update("""
                    INSERT INTO user_status (user_id, state, last_event_at, last_successful_poll)
                    VALUES (?, 'ACTIVE', ?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET last_successful_poll =
                        GREATEST(user_status.last_successful_poll, EXCLUDED.last_successful_poll)
                    """, outcome.userId(), Instant.EPOCH, outcome.completedAt());
        } else {
            db.update(
                    "UPDATE user_status SET last_poll_failure = ? WHERE user_id = ?",
                    kind + (outcome.detail() == null ? "" : ": " + outcome.detail()),
                    outcome.userId());
        }
    }

    /** The member's profile and archive status. */
    public Me me(String userId) {
        var tables = stats.active();
        String zone = db.queryOne(
                        "SELECT time_zone FROM user_settings WHERE user_id = ?", rs -> rs.getString(1), userId)
                .orElse(config.defaultTimeZone());
        long archived = stats.playsArchived(tables, userId);
        return db.queryOne(
                        "SELECT * FROM user_status WHERE user_id = ?",
                        rs -> {
                            String state = rs.getString("state");
                            Instant authorized = Db.instant(rs, "authorized_at");
                            LocalDate reconnectBy = authorized == null
                                    ? null
                                    : authorized
                                            .atOffset(ZoneOffset.UTC)
                                            .plusMonths(config.reconnectAfterMonths())
                                            .toLocalDate();
                            return new Me(
                                    userId,
                                    rs.getString("display_name"),
                                    zone,
                                    new ArchiveStatus(
                                            state,
                                            Db.instant(rs, "registered_at"),
                                            archived,
                                            Db.instant(rs, "last_successful_poll"),
                                            reconnectBy,
                                            "NEEDS_REAUTH".equals(state)));
                        },
                        userId)
                .orElseGet(() -> new Me(
                        userId,
                        null,
                        zone,
                        new ArchiveStatus(
                                erased.isErased(userId) ? "DELETED" : "UNKNOWN", null, archived, null, null, false)));
    }
}
