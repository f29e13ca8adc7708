package io.audiospective.api.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.audiospective.api.Views.Me;
import io.audiospective.api.repository.AdminFiguresRepository;
import io.audiospective.api.repository.AdminFiguresRepository.Count;
import io.audiospective.api.repository.MemberStatusRepository;
import io.audiospective.api.repository.MemberStatusRepository.Status;
import io.audiospective.api.repository.StatsRepository;
import io.audiospective.model.Topics;
import io.audiospective.support.rest.ProblemException;
import io.smallrye.common.annotation.Identifier;

/** What operators see: users by state, polls, ingestion, Kafka lag and dead letters. */
@ApplicationScoped
public class AdminService {

    private static final Logger LOG = Logger.getLogger(AdminService.class);

    public record Overview(
            Map<String, Long> usersByState,
            Map<String, Long> pollsLastHour,
            List<Count> playsArchivedPerHour,
            List<Count> playsArchivedPerDay,
            Map<String, Long> consumerLag,
            Map<String, Long> dlqSizes,
            Map<String, Map<String, Long>> deadLetters,
            int readModelGeneration) {}

    public record UserDetail(Me me, String lastPollFailure, long distinctTracks, long sessions) {}

    /** Our consumer group per consumed topic. */
    private final Map<String, String> groups;

    private final AdminFiguresRepository figures;
    private final MemberStatusRepository statuses;
    private final UserService users;
    private final StatsRepository stats;
    private final Clock clock;
    private final DeadLetterService deadLetters;
    private final Admin admin;

    AdminService(
            AdminFiguresRepository figures,
            MemberStatusRepository statuses,
            UserService users,
            StatsRepository stats,
            Clock clock,
            DeadLetterService deadLetters,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            @ConfigProperty(name = "mp.messaging.incoming.plays.group.id") String playsGroup,
            @ConfigProperty(name = "mp.messaging.incoming.users.group.id") String usersGroup,
            @ConfigProperty(name = "mp.messaging.incoming.archive-outcomes.group.id") String outcomesGroup) {
        this.figures = figures;
        this.statuses = statuses;
        this.users = users;
        this.stats = stats;
        this.clock = clock;
        this.deadLetters = deadLetters;
        this.groups =
                Map.of(Topics.PLAYS, playsGroup, Topics.USERS, usersGroup, Topics.ARCHIVE_OUTCOMES, outcomesGroup);
        // the shared kafka.* settings an admin client takes: bootstrap servers and, in Kubernetes, the SASL credentials
        Map<String, Object> adminConfig = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                adminConfig.put(key, value);
            }
        });
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "api-service-admin");
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        this.admin = Admin.create(adminConfig);
    }

    public Overview overview() {
        Instant now = clock.instant();
        Map<String, Long> byState = figures.membersByState();
        // Hour buckets overlapping the last hour: the current and the previous one.
        Map<String, Long> polls = figures.pollsAfter(now.minus(Duration.ofHours(2)));
        List<Count> perHour =
                figures.playsIngestedPerHour(now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(23)));
        List<Count> perDay =
                figures.playsIngestedPerDay(now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(29)));
        return new Overview(
                byState,
                polls,
                perHour,
                perDay,
                consumerLag(),
                dlqSizes(),
                deadLetters.pendingCounts(),
                stats.active().generation());
    }

    public UserDetail user(String userId) {
        var tables = stats.active();
        if (!figures.knowsMember(userId)) {
            throw ProblemException.notFound("No user " + userId);
        }
        String failure = statuses.status(userId).map(Status::lastPollFailure).orElse(null);
        long tracks = figures.distinctTracks(tables, userId);
        long sessions = figures.sessions(tables, userId);
        return new UserDetail(users.me(userId), failure, tracks, sessions);
    }

    private Map<String, Long> consumerLag() {
        Map<String, Long> lag = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : groups.entrySet()) {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(entry.getValue())
                        .partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS);
                Map<TopicPartition, Long> ends = endOffsets(
                        committed.keySet().stream()
                                .filter(tp -> tp.topic().equals(entry.getKey()))
                                .collect(Collectors.toSet()),
                        OffsetSpec.latest());
                long total = 0;
                for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                    OffsetAndMetadata offset = committed.get(end.getKey());
                    total += Math.max(0, end.getValue() - (offset == null ? 0 : offset.offset()));
                }
                lag.put(entry.getKey(), total);
            } catch (Exception e) {
                LOG.debugf("No lag for %s: %s", entry.getKey(), e.getMessage());
                lag.put(entry.getKey(), -1L);
            }
        }
        return lag;
    }

    private Map<String, Long> dlqSizes() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String topic : List.of(
                Topics.PLAYS,
                Topics.USERS,
                Topics.ARCHIVE_OUTCOMES,
                Topics.ARCHIVE_BATCHES,
                Topics.IMPORTS,
                Topics.IMPORTS_PROGRESS)) {
            String dlq = Topics.deadLetter(topic);
            try {
                Set<String> existing = admin.listTopics().names().get(5, TimeUnit.SECONDS);
                if (!existing.contains(dlq)) {
                    sizes.put(dlq, 0L);
                    continue;
                }
                Set<TopicPartition> partitions = admin
                        .describeTopics(List.of(dlq))
                        .allTopicNames()
                        .get(5, TimeUnit.SECONDS)
                        .get(dlq)
                        .partitions()
                        .stream()
                        .map(p -> new TopicPartition(dlq, p.partition()))
                        .collect(Collectors.toSet());
                Map<TopicPartition, Long> ends = endOffsets(partitions, OffsetSpec.latest());
                Map<TopicPartition, Long> starts = endOffsets(partitions, OffsetSpec.earliest());
                sizes.put(
                        dlq,
                        ends.entrySet().stream()
                                .mapToLong(e -> e.getValue() - starts.get(e.getKey()))
                                .sum());
            } catch (Exception e) {
                LOG.debugf("No size for %s: %s", dlq, e.getMessage());
                sizes.put(dlq, -1L);
            }
        }
        return sizes;
    }

    private Map<TopicPartition, Long> endOffsets(Set<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
                admin.listOffsets(request).all().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
