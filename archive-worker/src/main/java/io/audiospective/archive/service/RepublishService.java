package io.audiospective.archive.service;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.audiospective.archive.repository.RepublishJobRepository;
import io.audiospective.archive.repository.RepublishJobRepository.Job;
import io.audiospective.model.Topics;
import io.audiospective.support.rest.ProblemException;

/** Requests and views of republish jobs; {@link io.audiospective.archive.messaging.Republisher} runs them. */
@ApplicationScoped
public class RepublishService {

    private final RepublishJobRepository jobs;

    RepublishService(RepublishJobRepository jobs) {
        this.jobs = jobs;
    }

    /**
     * Queues a republish of one member's plays ({@code userId}) or everyone's (null), from {@code since} (ISO-8601
     * instant, null: from the first play) onto {@code topic} (null: {@code plays}; otherwise a topic whose name starts
     * with {@code plays}, such as a fresh topic a new read model is built from, never a dead-letter topic).
     */
    @Transactional
    public Job request(String userId, String since, String topic) {
        Instant from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw ProblemException.invalidParameter(
                        "since", "not an ISO-8601 instant such as 2026-01-31T00:00:00Z: " + since);
            }
        }
        String target = topic == null || topic.isBlank() ? Topics.PLAYS : topic;
        if (!target.matches("plays[A-Za-z0-9._-]*") || target.equals(Topics.deadLetter(Topics.PLAYS))) {
            throw ProblemException.invalidParameter(
                    "topic", "a republish writes to plays or to a topic whose name starts with plays (not plays.dlq)");
        }
        String member = userId == null || userId.isBlank() ? null : userId;
        if (member != null && !jobs.hasPlays(member)) {
            throw ProblemException.notFound("the archive has no plays of this member");
        }
        jobs.active().ifPresent(active -> {
            throw ProblemException.conflict("republish job " + active.id() + " is " + active.state()
                    + "; one job runs at a time (GET /admin/republish/" + active.id() + ")");
        });
        return jobs.find(jobs.create(member, from, target)).orElseThrow();
    }

    @Transactional
    public Job job(long id) {
        return jobs.find(id).orElseThrow(() -> ProblemException.notFound("no republish job " + id));
    }

    @Transactional
    public List<Job> recent() {
        return jobs.recent(20);
    }
}
