package io.audiospective.auth.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.audiospective.auth.MemberStatus;
import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.support.BeforeSchemaMigrated;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Gauges of members whose Spotify authorisation runs out soon. A refresh token dies a fixed time after the member
 * authorised ({@code audiospective.auth.spotify.authorization-lifetime}), whatever is done with it, so these members
 * must sign in again before that date or their history stops being archived.
 * <ul>
 * <li>{@code auth_reauthorisation_due{within="1d"|"7d"|"30d"}}: ACTIVE members whose authorisation ends within that
 * time from now (including any whose date already passed and that {@link AuthorisationExpiryJob} has not marked
 * yet);</li>
 * <li>{@code auth_members{status="ACTIVE"|"NEEDS_REAUTH"}}: members per status.</li>
 * </ul>
 * Counted from PostgreSQL once a minute (not on every scrape); the gauges keep their last values while PostgreSQL is
 * unreachable.
 */
@ApplicationScoped
public class AuthorisationMetrics {

    private static final Logger LOG = Logger.getLogger(AuthorisationMetrics.class);

    /** Label value of {@code within} and the window it stands for. */
    static final Map<String, Duration> WINDOWS = windows();

    private final MemberRepository members;
    private final AuthConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> due = new ConcurrentHashMap<>();
    private final Map<MemberStatus, AtomicLong> byStatus = new ConcurrentHashMap<>();

    AuthorisationMetrics(MemberRepository members, AuthConfig config, Clock clock, MeterRegistry registry) {
        this.members = members;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
    }

    private static Map<String, Duration> windows() {
        Map<String, Duration> w = new LinkedHashMap<>();
        w.put("1d", Duration.ofDays(1));
        w.put("7d", Duration.ofDays(7));
        w.put("30d", Duration.ofDays(30));
        return java.util.Collections.unmodifiableMap(w);
    }

    void register(@Observes StartupEvent start) {
        WINDOWS.keySet().forEach(within -> {
            AtomicLong value = new AtomicLong();
            due.put(within, value);
            Gauge.builder("auth.reauthorisation.due", value, AtomicLong::get)
                    .description("ACTIVE members whose Spotify authorisation runs out within the given time")
                    .tag("within", within)
                    .register(registry);
        });
        for (MemberStatus status : new MemberStatus[] {MemberStatus.ACTIVE, MemberStatus.NEEDS_REAUTH}) {
            AtomicLong value = new AtomicLong();
            byStatus.put(status, value);
            Gauge.builder("auth.members", value, AtomicLong::get)
                    .description("Members per status")
                    .tag("status", status.name())
                    .register(registry);
        }
    }

    @Scheduled(
            every = "${audiospective.auth.metrics-refresh-interval:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.debugf("Authorisation gauges not refreshed (PostgreSQL unreachable?): %s", e.getMessage());
        }
    }

    /** Counts again now. */
    @Transactional
    public void refresh() {
        Instant now = clock.instant();
        Duration lifetime = config.spotify().authorizationLifetime();
        for (var window : WINDOWS.entrySet()) {
            // authorisation ends at authorizedAt + lifetime; due when that is before now + window
            Instant authorisedBefore = now.plus(window.getValue()).minus(lifetime);
            long count = members.count("status = ?1 and authorizedAt < ?2", MemberStatus.ACTIVE, authorisedBefore);
            AtomicLong gauge = due.get(window.getKey());
            if (gauge != null) {
                gauge.set(count);
            }
        }
        byStatus.forEach((status, gauge) -> gauge.set(members.count("status", status)));
    }
}
