package io.audiospective.api.service;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.audiospective.api.Views.ArchiveStatus;
import io.audiospective.api.Views.Me;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.api.repository.AdminFiguresRepository;
import io.audiospective.api.repository.DeadLetterRepository;
import io.audiospective.api.repository.ErasedMembers;
import io.audiospective.api.repository.ImportRepository;
import io.audiospective.api.repository.MemberSettingsRepository;
import io.audiospective.api.repository.MemberStatusRepository;
import io.audiospective.api.repository.MemberStatusRepository.LastEvent;
import io.audiospective.api.repository.StatsRepository;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.UserEvent;
import io.audiospective.support.rest.ProblemException;

/** Members as api-service knows them from {@code users} and {@code archive.outcomes}. */
@ApplicationScoped
public class UserService {

    private static final Logger LOG = Logger.getLogger(UserService.class);

    private final MemberStatusRepository statuses;
    private final MemberSettingsRepository settings;
    private final ImportRepository imports;
    private final DeadLetterRepository deadLetters;
    private final AdminFiguresRepository figures;
    private final ReadModelService readModel;
    private final ErasedMembers erased;
    private final StatsRepository stats;
    private final CompletenessService completeness;
    private final ApiConfig config;

    UserService(
            MemberStatusRepository statuses,
            MemberSettingsRepository settings,
            ImportRepository imports,
            DeadLetterRepository deadLetters,
            AdminFiguresRepository figures,
            ReadModelService readModel,
            ErasedMembers erased,
            StatsRepository stats,
            CompletenessService completeness,
            ApiConfig config) {
        this.completeness = completeness;
        this.statuses = statuses;
        this.settings = settings;
        this.imports = imports;
        this.deadLetters = deadLetters;
        this.figures = figures;
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
        Optional<LastEvent> last = statuses.lockLastEvent(user)
                .or(() -> erased.deletion(user).map(deletion -> new LastEvent(deletion.sequence(), deletion.at())));
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
                boolean firstRegistration = !statuses.isRegistered(user);
                statuses.register(user, event.displayName(), event.occurredAt());
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
                statuses.delete(user);
                imports.deleteOf(user);
                completeness.forget(user);
                // records keyed by the member (plays, users) set aside on a .dlq carry their id and data
                deadLetters.deleteKeyed(user);
                return;
            }
        }
        statuses.recordEventSequence(user, event.sequence());
    }

    private void upsertState(UserEvent event, String state, boolean authorized) {
        statuses.recordEvent(
                event.userId(), event.displayName(), state, authorized ? event.occurredAt() : null, event.occurredAt());
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

    /**
     * Folds polled outcomes, in one transaction, into their members' archive status and the hourly admin counters.
     * Members are taken in id order (a member's own outcomes keep theirs), so two replicas never lock two members in
     * opposite orders; the counters, a few rows every replica adds to, last and in one order, so their locks are held
     * only until the commit.
     */
    @Transactional
    public void apply(List<ArchiveOutcome> outcomes) {
        List<ArchiveOutcome> byMember = outcomes.stream()
                .sorted(Comparator.comparing(ArchiveOutcome::userId))
                .toList();
        byMember.forEach(this::applyToStatus);
        Map<PollCount, Long> counts =
                new TreeMap<>(Comparator.comparing(PollCount::hour).thenComparing(PollCount::kind));
        for (ArchiveOutcome outcome : outcomes) {
            counts.merge(
                    new PollCount(outcome.completedAt().truncatedTo(ChronoUnit.HOURS), kind(outcome)), 1L, Long::sum);
        }
        counts.forEach((count, polls) -> figures.countPolls(count.hour(), count.kind(), polls));
    }

    /** Poll outcomes of one kind completed in one UTC hour. */
    private record PollCount(Instant hour, String kind) {}

    private static String kind(ArchiveOutcome outcome) {
        return outcome.succeeded() ? "OK" : outcome.failureKind().name();
    }

    private void applyToStatus(ArchiveOutcome outcome) {
        String kind = kind(outcome);
        if (erased.isErased(outcome.userId())) {
            // a poll that ended as the member deleted their account: no status row for someone who is gone
            return;
        }
        if (outcome.succeeded()) {
            statuses.recordSuccessfulPoll(outcome.userId(), outcome.completedAt());
            completeness.record(
                    outcome, () -> statuses.status(outcome.userId()).map(MemberStatusRepository.Status::registeredAt));
        } else {
            statuses.recordPollFailure(
                    outcome.userId(), kind + (outcome.detail() == null ? "" : ": " + outcome.detail()));
        }
    }

    /** The member's profile and archive status. */
    public Me me(String userId) {
        var tables = stats.active();
        String zone = settings.timeZone(userId).orElse(config.defaultTimeZone());
        long archived = stats.playsArchived(tables, userId);
        return statuses.status(userId)
                .map(status -> {
                    LocalDate reconnectBy = status.authorizedAt() == null
                            ? null
                            : status.authorizedAt()
                                    .atOffset(ZoneOffset.UTC)
                                    .plusMonths(config.reconnectAfterMonths())
                                    .toLocalDate();
                    return new Me(
                            userId,
                            status.displayName(),
                            zone,
                            new ArchiveStatus(
                                    status.state(),
                                    status.registeredAt(),
                                    archived,
                                    status.lastSuccessfulPoll(),
                                    reconnectBy,
                                    "NEEDS_REAUTH".equals(status.state())));
                })
                .orElseGet(() -> new Me(
                        userId,
                        null,
                        zone,
                        new ArchiveStatus(
                                erased.isErased(userId) ? "DELETED" : "UNKNOWN", null, archived, null, null, false)));
    }
}
