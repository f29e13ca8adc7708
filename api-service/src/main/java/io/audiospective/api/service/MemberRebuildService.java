package io.audiospective.api.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.audiospective.api.ReadModelTables;
import io.audiospective.api.repository.HistoryRepository;
import io.audiospective.api.repository.MemberSettingsRepository;
import io.audiospective.api.repository.ReadModelWriter;
import io.audiospective.support.rest.ProblemException;

/**
 * Repair of one member: their rollups (days, tiers, totals, sessions) rebuilt from their stored plays in every live
 * generation, the active one and the one a replay builds. It repairs rollups that drifted from the member's plays; plays
 * missing from the read model come back only by being published again (archive-worker's republish).
 */
@ApplicationScoped
public class MemberRebuildService {

    private static final Logger LOG = Logger.getLogger(MemberRebuildService.class);

    /** What a rebuild did: the generations rebuilt (active first) and the member's plays in the active one. */
    public record Rebuilt(String userId, List<Integer> generations, long plays) {}

    private final MemberSettingsRepository settings;
    private final HistoryRepository history;
    private final ReadModelService readModel;
    private final ReadModelWriter writer;

    MemberRebuildService(
            MemberSettingsRepository settings,
            HistoryRepository history,
            ReadModelService readModel,
            ReadModelWriter writer) {
        this.settings = settings;
        this.history = history;
        this.readModel = readModel;
        this.writer = writer;
    }

    /** One transaction: readers see the old rollups or the rebuilt ones, never a mix; 404 for an unknown member. */
    @Transactional
    public Rebuilt rebuild(String userId) {
        if (!settings.exists(userId)) {
            // checked first: rebuilding would create a settings row for an id that is no member
            throw ProblemException.notFound("No member " + userId + " in the read model");
        }
        readModel.rebuildUser(userId);
        List<ReadModelTables> generations = writer.lockGenerationsForWrite();
        long plays = history.count(generations.get(0), userId);
        List<Integer> rebuilt =
                generations.stream().map(ReadModelTables::generation).toList();
        LOG.infof("Rebuilt the rollups of member %s in generations %s from %d plays", userId, rebuilt, plays);
        return new Rebuilt(userId, rebuilt, plays);
    }
}
