package io.audiospective.api.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.audiospective.api.PublishedPlay;
import io.audiospective.api.ReadModelTables;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.api.imports.EntryRules;
import io.audiospective.api.repository.ErasedMembers;
import io.audiospective.api.repository.MemberSettingsRepository;
import io.audiospective.api.repository.MemberSettingsRepository.ZoneChanges;
import io.audiospective.api.repository.ReadModelWriter;
import io.audiospective.api.repository.ReadModelWriter.Generation;
import io.audiospective.model.PlayEvent;
import io.audiospective.support.rest.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** The transactions that change the read model. */
@ApplicationScoped
public class ReadModelService {

    /**
     * No play is later than this: far beyond any real one, and far inside what PostgreSQL's timestamps and the
     * rollups' time-zone arithmetic support (a play dated in the year 290000 failed the whole fold).
     */
    static final Instant LATEST_PLAY = Instant.parse("2100-01-01T00:00:00Z");

    private final ReadModelWriter writer;
    private final ErasedMembers erased;
    private final MemberSettingsRepository settings;
    private final Clock clock;
    private final ApiConfig config;

    ReadModelService(
            ReadModelWriter writer,
            ErasedMembers erased,
            MemberSettingsRepository settings,
            Clock clock,
            ApiConfig config) {
        this.writer = writer;
        this.config = config;
        this.erased = erased;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Plays from the live consumer: into the active generation and, while a replay runs, into the generation
     * being built too (so nothing that arrives during the replay is missing after the switch-over); while that one
     * is still loaded in bulk, its plays only ({@link #loadReplayed}).
     *
     * @return how many plays were new to the active generation
     */
    @Transactional
    public int applyLive(List<PlayEvent> plays) {
        Instant now = clock.instant();
        return applyPublished(
                plays.stream().map(play -> new PublishedPlay(play, now)).toList());
    }

    /** {@link #applyLive} of plays read from {@code plays}; those of erased members ({@link ErasedMembers}) are left out. */
    @Transactional
    public int applyPublished(List<PublishedPlay> published) {
        published.forEach(p -> requirePlausible(p.play()));
        List<PlayEvent> kept =
                erased.keep(published).stream().map(PublishedPlay::play).toList();
        if (kept.isEmpty()) {
            return 0;
        }
        List<Generation> generations = writer.lockGenerationsForFold();
        writer.lockUsers(kept);
        int fresh = fold(generations, kept);
        if (fresh > 0) {
            writer.countIngested(clock.instant(), fresh);
        }
        return fresh;
    }

    /** A play outside the range plays can have is refused for its content (the consumer sets it aside). */
    private static void requirePlausible(PlayEvent play) {
        if (!plausible(play)) {
            throw new IllegalArgumentException("Play of " + play.userId() + " at " + play.playedAt()
                    + " is outside the range a play can have (" + EntryRules.SPOTIFY_LAUNCH + " to " + LATEST_PLAY
                    + ")");
        }
    }

    private static boolean plausible(PlayEvent play) {
        return !play.playedAt().isBefore(EntryRules.SPOTIFY_LAUNCH)
                && play.playedAt().isBefore(LATEST_PLAY);
    }

    /**
     * Plays read by a replay into the generation it builds, rollups and all (the replay's last stretch, once
     * {@link #buildRollups} ran). An implausible play is left out: the live consumer set it aside on {@code plays.dlq}
     * already, and it must not fail the whole replay.
     */
    @Transactional
    public void applyReplayed(ReadModelTables target, List<PublishedPlay> published) {
        List<PlayEvent> kept = replayable(published);
        if (kept.isEmpty()) {
            return;
        }
        writer.lockGenerationsForWrite();
        writer.lockUsers(kept);
        fold(List.of(new Generation(target, true)), kept);
    }

    /**
     * A replay's bulk pass: the plays only into the generation it builds, in their order (removals remove), with no
     * rollup touched; {@link #buildRollups} computes them all afterwards. A member's later plays written meanwhile by
     * the live consumer ({@link #applyPublished}) are in the plays too, so the rollups built from them are whole.
     */
    @Transactional
    public void loadReplayed(ReadModelTables target, List<PublishedPlay> published) {
        List<PlayEvent> kept = replayable(published);
        if (kept.isEmpty()) {
            return;
        }
        writer.lockGenerationsForWrite();
        forEachRun(kept, (removals, run) -> {
            if (removals) {
                writer.unloadPlays(target, run);
            } else {
                writer.loadPlays(target, run);
            }
        });
    }

    /**
     * Every rollup of the generation a replay loaded ({@link #loadReplayed}), computed from its plays. Live writes
     * wait for it (a transaction holds the generations locked exclusively throughout), so their plays are counted
     * exactly once: by this build if they came before, by their own fold after. The parts run in transactions of
     * their own, several at once; the generation counts as built only once all of them committed, and a build
     * begun again after a failure replaces what a part left.
     */
    public void buildRollups(ReadModelTables target) {
        QuarkusTransaction.requiringNew().run(() -> writer.settleMembersForBuild(target));
        // as long as the grouped scans take: minutes for tens of millions of plays
        int timeout = (int) Duration.ofHours(2).toSeconds();
        QuarkusTransaction.requiringNew().timeout(timeout).run(() -> {
            List<Runnable> parts = writer.rollupBuildParts(target, writer.lockGenerationsExclusively());
            ExecutorService pool =
                    Executors.newFixedThreadPool(Math.max(1, config.replay().buildParallelism()));
            try {
                List<Future<?>> running = parts.stream()
                        .map(part -> pool.submit(
                                () -> QuarkusTransaction.requiringNew().run(part)))
                        .collect(Collectors.toList());
                for (Future<?> part : running) {
                    part.get();
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "A part of the rollup build of generation " + target.generation() + " failed: "
                                + e.getCause().getMessage(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while building generation " + target.generation(), e);
            } finally {
                pool.shutdownNow();
            }
            writer.markRollupsBuilt(target);
        });
    }

    /** Readies a new generation for {@link #loadReplayed}: its rollups are not kept until {@link #buildRollups}. */
    @Transactional
    public void prepareBulkLoad(ReadModelTables target) {
        writer.prepareBulkLoad(target);
    }

    /** Whether a replay into {@code target} is past {@link #buildRollups} (a resumed replay goes on from there). */
    @Transactional
    public boolean rollupsBuilt(ReadModelTables target) {
        return writer.rollupsBuilt(target);
    }

    private List<PlayEvent> replayable(List<PublishedPlay> published) {
        return erased.keep(published.stream().filter(p -> plausible(p.play())).toList()).stream()
                .map(PublishedPlay::play)
                .toList();
    }

    /**
     * Plays and removals of plays (an undone import) in their order: each run of plays is applied, each run of
     * removals removed, so a play removed and archived again later (another import) ends present, and one archived
     * then removed ends absent, whatever the batch boundaries.
     *
     * @return how many plays were new to the first generation
     */
    private int fold(List<Generation> generations, List<PlayEvent> events) {
        int[] fresh = {0};
        forEachRun(events, (removals, run) -> {
            if (removals) {
                for (Generation generation : generations) {
                    if (generation.rollupsKept()) {
                        writer.remove(generation.tables(), run);
                    } else {
                        writer.unloadPlays(generation.tables(), run);
                    }
                }
            } else {
                writer.upsertCatalogue(run);
                fresh[0] += writer.apply(generations.get(0).tables(), run).size();
                for (Generation generation : generations.subList(1, generations.size())) {
                    if (generation.rollupsKept()) {
                        writer.apply(generation.tables(), run);
                    } else {
                        writer.loadPlays(generation.tables(), run);
                    }
                }
            }
        });
        return fresh[0];
    }

    /** Hands the events over in maximal runs of plays or of removals, in order. */
    private static void forEachRun(List<PlayEvent> events, BiConsumer<Boolean, List<PlayEvent>> action) {
        int from = 0;
        while (from < events.size()) {
            boolean removals = events.get(from).removed();
            int to = from;
            while (to < events.size() && events.get(to).removed() == removals) {
                to++;
            }
            action.accept(removals, events.subList(from, to));
            from = to;
        }
    }

    /**
     * A member's own change of zone: as {@link #changeTimeZone}, but the same zone again changes nothing, and at most
     * {@code perWindow} changes per {@code window} rebuild anything (counted under the member's lock, so concurrent
     * requests cannot overshoot); more are refused with 429 and when to retry. Synchronous on purpose: every answer
     * after this one is in the new zone, and every local day moves, so nothing short of a rebuild is right.
     */
    @Transactional
    public void memberChangesTimeZone(String userId, String zone, int perWindow, Duration window) {
        List<ReadModelTables> generations = writer.lockGenerationsForWrite();
        writer.lockUser(userId);
        ZoneChanges changes = settings.zoneChanges(userId).orElseThrow();
        if (changes.zone().equals(zone)) {
            return;
        }
        Instant now = clock.instant();
        boolean inWindow =
                changes.since() != null && changes.since().plus(window).isAfter(now);
        if (inWindow && changes.count() >= perWindow) {
            throw ProblemException.tooManyRequests(
                    "urn:audiospective:problem:too-many-time-zone-changes",
                    "You changed your time zone " + changes.count() + " times since " + changes.since()
                            + "; each change recomputes your statistics, so the next is possible from "
                            + changes.since().plus(window),
                    Duration.between(now, changes.since().plus(window)));
        }
        settings.setZoneChanges(userId, inWindow ? changes.count() + 1 : 1, inWindow ? changes.since() : now);
        settings.setTimeZone(userId, zone);
        for (ReadModelTables tables : generations) {
            writer.rebuildDays(tables, userId);
        }
    }

    /** Sets the user's zone and rebuilds their day rollups in every live generation, atomically. */
    @Transactional
    public void changeTimeZone(String userId, String zone) {
        List<ReadModelTables> generations = writer.lockGenerationsForWrite();
        writer.lockUser(userId);
        settings.setTimeZone(userId, zone);
        for (ReadModelTables tables : generations) {
            writer.rebuildDays(tables, userId);
        }
    }

    /** Removes everything the read model holds about the user; their plays are skipped from now on. */
    @Transactional
    public void purge(String userId, Instant deletedAt, Long sequence) {
        List<ReadModelTables> generations = writer.lockGenerationsForWrite();
        writer.lockUser(userId);
        erased.erase(userId, deletedAt, sequence);
        for (ReadModelTables tables : generations) {
            writer.purge(tables, userId);
        }
        settings.delete(userId);
    }

    /** Rebuilds all of a user's rollups from their plays in the active generation (bulk loads). */
    @Transactional
    public void rebuildUser(String userId) {
        List<ReadModelTables> generations = writer.lockGenerationsForWrite();
        writer.lockUser(userId);
        for (ReadModelTables tables : generations) {
            writer.rebuildAll(tables, userId);
        }
        writer.rebuildCatalogue(generations.get(0), userId);
    }
}
