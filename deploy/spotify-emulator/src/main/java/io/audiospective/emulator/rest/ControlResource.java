package io.audiospective.emulator.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import io.audiospective.emulator.ListeningProfile;
import io.audiospective.emulator.Play;
import io.audiospective.emulator.SyntheticUser;
import io.audiospective.emulator.Track;
import io.audiospective.emulator.config.EmulatorConfig;
import io.audiospective.emulator.service.Catalogue;
import io.audiospective.emulator.service.Counters;
import io.audiospective.emulator.service.EmulatorClock;
import io.audiospective.emulator.service.ListeningGenerator;
import io.audiospective.emulator.service.RateLimiter;
import io.audiospective.emulator.service.RecentlyPlayed;
import io.audiospective.emulator.service.Settings;
import io.audiospective.emulator.service.SpotifyJson;
import io.audiospective.emulator.service.StreamingHistoryExport;
import io.audiospective.emulator.service.TokenService;
import io.audiospective.emulator.service.UserRegistry;

/** Emulator-only endpoints: users, ground truth, faults and limits, counters, the clock. Not part of Spotify. */
@Path("/emulator")
@Produces(MediaType.APPLICATION_JSON)
public class ControlResource {

    private static final long MAX_GROUND_TRUTH_WINDOW_MS = Duration.ofDays(93).toMillis();
    /** Longer than Spotify has existed: an export is a member's whole history. */
    private static final long MAX_EXPORT_WINDOW_MS = Duration.ofDays(20 * 366).toMillis();

    public record CreateUsers(Integer count, String profile, Long seed, String prefix) {}

    public record UserView(
            String id,
            String displayName,
            String email,
            String country,
            String profile,
            long seed,
            int utcOffsetHours) {
        static UserView of(SyntheticUser u) {
            return new UserView(
                    u.id(),
                    u.displayName(),
                    u.email(),
                    u.country(),
                    u.profile().name().toLowerCase(java.util.Locale.ROOT),
                    u.seed(),
                    u.utcOffsetHours());
        }
    }

    public record PlayView(
            String playedAt,
            long playedAtMs,
            String trackId,
            String trackName,
            String albumId,
            List<String> artistIds,
            int durationMs,
            int msPlayed,
            boolean counted,
            boolean removed,
            String contextType,
            String visibleAt,
            long visibleAtMs,
            boolean inRecentlyPlayed) {}

    public record GroundTruth(String userId, long fromMs, long toMs, long nowMs, int total, List<PlayView> plays) {}

    public record LatencyUpdate(String distribution, Long minMs, Long maxMs, Long meanMs) {}

    public record SettingsUpdate(
            LatencyUpdate latency,
            Double serverErrorRate,
            Double tooManyRequestsRate,
            Integer retryAfterSeconds,
            Boolean quotaExceeded,
            Boolean batchEndpoints,
            String appMode,
            Integer rateLimitPerWindow,
            Long visibilityLagMs,
            Double lateShare,
            Long lateMaxDelayMs,
            Boolean faultsOnAccounts,
            Double removedShare,
            LatencyUpdate accountsLatency) {}

    public record ClockView(long nowMs, String now, long offsetMs) {}

    public record ClockUpdate(Long advanceMs, Long offsetMs, String now, Long nowMs) {}

    @Inject
    UserRegistry users;

    @Inject
    TokenService tokens;

    @Inject
    Settings settings;

    @Inject
    Counters counters;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    EmulatorClock clock;

    @Inject
    Catalogue catalogue;

    @Inject
    ListeningGenerator generator;

    @Inject
    RecentlyPlayed recentlyPlayed;

    @Inject
    StreamingHistoryExport streamingHistory;

    @Inject
    EmulatorConfig config;

    // ---- users

    @GET
    @Path("/users")
    public List<UserView> listUsers() {
        return users.all().stream().map(UserView::of).toList();
    }

    @POST
    @Path("/users")
    @Consumes(MediaType.APPLICATION_JSON)
    public List<UserView> createUsers(CreateUsers body) {
        if (body == null || body.count() == null || body.profile() == null || body.seed() == null) {
            throw new IllegalArgumentException("count, profile and seed are required");
        }
        ListeningProfile profile;
        try {
            profile = ListeningProfile.parse(body.profile());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("profile must be idle, typical or heavy");
        }
        return users.create(body.count(), profile, body.seed(), body.prefix()).stream()
                .map(UserView::of)
                .toList();
    }

    @GET
    @Path("/users/{id}")
    public UserView user(@PathParam("id") String id) {
        return UserView.of(require(id));
    }

    @POST
    @Path("/users/{id}/revoke-refresh-tokens")
    public Map<String, Object> revoke(@PathParam("id") String id) {
        require(id);
        return Map.of("user_id", id, "revoked", tokens.revokeRefreshTokens(id));
    }

    @POST
    @Path("/users/{id}/expire-refresh-tokens")
    public Map<String, Object> expireRefresh(@PathParam("id") String id) {
        require(id);
        return Map.of("user_id", id, "expired", tokens.expireRefreshTokens(id));
    }

    @POST
    @Path("/users/{id}/expire-access-tokens")
    public Map<String, Object> expireAccess(@PathParam("id") String id) {
        require(id);
        return Map.of("user_id", id, "expired", tokens.expireAccessTokens(id));
    }

    /**
     * Ground truth: every play (>= 30 s) the user made with played_at in [from, to), oldest first, whether or not
     * recently-played still (or already) shows it. {@code from}/{@code to}: unix ms or ISO-8601 instants.
     */
    @GET
    @Path("/users/{id}/plays")
    public GroundTruth plays(
            @PathParam("id") String id,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("include_skips") boolean includeSkips) {
        SyntheticUser user = require(id);
        long now = clock.nowMs();
        long toMs = to == null ? now : instant(to, "to");
        long fromMs = from == null ? toMs - Duration.ofDays(1).toMillis() : instant(from, "from");
        if (toMs < fromMs || toMs - fromMs > MAX_GROUND_TRUTH_WINDOW_MS) {
            throw new IllegalArgumentException("need from <= to and a window of at most 93 days");
        }
        Settings.Snapshot s = settings.get();
        Set<Long> inRecent = new HashSet<>();
        for (Play p : recentlyPlayed.visible(
                user,
                now,
                RecentlyPlayed.Visibility.of(s),
                config.listening().lookback().toMillis())) {
            inRecent.add(p.playedAtMs());
        }
        List<PlayView> out = new ArrayList<>();
        for (Play p : generator.streams(user, fromMs, toMs, includeSkips)) {
            Track t = catalogue.track(p.trackIndex());
            long visibleAt = ListeningGenerator.visibleAt(p, s.visibilityLagMs(), s.lateShare(), s.lateMaxDelayMs());
            out.add(new PlayView(
                    SpotifyJson.PLAYED_AT.format(Instant.ofEpochMilli(p.playedAtMs())),
                    p.playedAtMs(),
                    t.id(),
                    t.name(),
                    catalogue.album(t.albumIndex()).id(),
                    t.artistIndexes().stream()
                            .map(i -> catalogue.artist(i).id())
                            .toList(),
                    t.durationMs(),
                    p.msPlayed(),
                    p.counted(),
                    catalogue.removed(p.trackIndex(), s.removedShare()),
                    p.contextType(),
                    SpotifyJson.PLAYED_AT.format(Instant.ofEpochMilli(visibleAt)),
                    visibleAt,
                    p.counted() && inRecent.contains(p.playedAtMs())));
        }
        return new GroundTruth(id, fromMs, toMs, now, out.size(), out);
    }

    /**
     * The user's streams (plays and skips) with their end in [from, to) as Spotify's Extended Streaming History
     * file, generated while it is sent. Defaults: {@code to} now, {@code from} a year before {@code to}; plays
     * after the emulator's now have not happened yet and are left out.
     */
    @GET
    @Path("/users/{id}/streaming-history")
    public Response streamingHistory(
            @PathParam("id") String id,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("unknown_share") String unknownShareParam) {
        SyntheticUser user = require(id);
        long now = clock.nowMs();
        long toMs = to == null ? now : instant(to, "to");
        long fromMs = from == null ? toMs - Duration.ofDays(365).toMillis() : instant(from, "from");
        if (toMs < fromMs || toMs - fromMs > MAX_EXPORT_WINDOW_MS) {
            throw new IllegalArgumentException("need from <= to and a window of at most 20 years");
        }
        double unknownShare = share(unknownShareParam, "unknown_share");
        long endMs = Math.min(toMs, now);
        StreamingOutput body = out -> streamingHistory.write(user, fromMs, endMs, unknownShare, out);
        return Response.ok(body, MediaType.APPLICATION_JSON)
                .header(
                        "Content-Disposition",
                        "attachment; filename=\"" + StreamingHistoryExport.fileName(fromMs, endMs) + "\"")
                .build();
    }

    // ---- catalogue

    /** Sizes of the catalogue and a page of ids, for tests and tools. */
    @GET
    @Path("/catalogue")
    public Map<String, Object> catalogue(@QueryParam("offset") Integer offset, @QueryParam("limit") Integer limit) {
        int from = offset == null ? 0 : Math.max(0, offset);
        int n = limit == null ? 20 : Math.max(0, Math.min(1000, limit));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seed", catalogue.seed());
        out.put("artists", catalogue.artists().size());
        out.put("albums", catalogue.albums().size());
        out.put("tracks", catalogue.tracks().size());
        out.put(
                "artist_ids",
                catalogue.artists().stream()
                        .skip(from)
                        .limit(n)
                        .map(a -> a.id())
                        .toList());
        out.put(
                "album_ids",
                catalogue.albums().stream().skip(from).limit(n).map(a -> a.id()).toList());
        out.put(
                "track_ids",
                catalogue.tracks().stream().skip(from).limit(n).map(t -> t.id()).toList());
        return out;
    }

    // ---- settings

    @GET
    @Path("/settings")
    public Settings.Snapshot getSettings() {
        return settings.get();
    }

    /** Partial update: only the fields present change. Effective for the next request. */
    @PUT
    @Path("/settings")
    @Consumes(MediaType.APPLICATION_JSON)
    public Settings.Snapshot putSettings(SettingsUpdate u) {
        if (u == null) {
            throw new IllegalArgumentException("a JSON body is required");
        }
        return settings.update(s -> {
            Settings.Latency l = merged(s.latency(), u.latency());
            Settings.Latency accounts = merged(s.accountsLatency(), u.accountsLatency());
            boolean batch = s.batchEndpoints();
            if (u.appMode() != null) {
                batch = switch (u.appMode()) {
                    case "development" -> false;
                    case "extended" -> true;
                    default -> throw new IllegalArgumentException("app_mode must be development or extended");
                };
            }
            if (u.batchEndpoints() != null) {
                batch = u.batchEndpoints();
            }
            return new Settings.Snapshot(
                    l,
                    or(u.serverErrorRate(), s.serverErrorRate()),
                    or(u.tooManyRequestsRate(), s.tooManyRequestsRate()),
                    or(u.retryAfterSeconds(), s.retryAfterSeconds()),
                    or(u.quotaExceeded(), s.quotaExceeded()),
                    batch,
                    or(u.rateLimitPerWindow(), s.rateLimitPerWindow()),
                    or(u.visibilityLagMs(), s.visibilityLagMs()),
                    or(u.lateShare(), s.lateShare()),
                    or(u.lateMaxDelayMs(), s.lateMaxDelayMs()),
                    or(u.faultsOnAccounts(), s.faultsOnAccounts()),
                    or(u.removedShare(), s.removedShare()),
                    accounts);
        });
    }

    private static Settings.Latency merged(Settings.Latency l, LatencyUpdate lu) {
        if (lu == null) {
            return l;
        }
        return new Settings.Latency(
                lu.distribution() == null ? l.distribution() : lu.distribution(),
                lu.minMs() == null ? l.minMs() : lu.minMs(),
                lu.maxMs() == null ? l.maxMs() : lu.maxMs(),
                lu.meanMs() == null ? l.meanMs() : lu.meanMs());
    }

    /** Back to the configured defaults; also empties the rate-limit windows. */
    @POST
    @Path("/settings/reset")
    public Settings.Snapshot resetSettings() {
        rateLimiter.reset();
        return settings.reset();
    }

    // ---- counters

    @GET
    @Path("/counters")
    public Map<String, Map<String, Long>> counters() {
        return counters.snapshot();
    }

    @DELETE
    @Path("/counters")
    public Map<String, Map<String, Long>> resetCounters() {
        counters.reset();
        return counters.snapshot();
    }

    // ---- clock

    @GET
    @Path("/clock")
    public ClockView getClock() {
        return clockView();
    }

    /**
     * Moves the clock: {@code advance_ms} (relative), {@code offset_ms} (from the system clock), or
     * {@code now}/{@code now_ms} (absolute).
     */
    @PUT
    @Path("/clock")
    @Consumes(MediaType.APPLICATION_JSON)
    public ClockView putClock(ClockUpdate u) {
        if (u == null) {
            throw new IllegalArgumentException("a JSON body is required");
        }
        if (u.offsetMs() != null) {
            clock.setOffset(u.offsetMs());
        }
        if (u.now() != null) {
            clock.set(instant(u.now(), "now"));
        }
        if (u.nowMs() != null) {
            clock.set(u.nowMs());
        }
        if (u.advanceMs() != null) {
            clock.advance(u.advanceMs());
        }
        return clockView();
    }

    @POST
    @Path("/clock/advance")
    public ClockView advance(@QueryParam("ms") Long ms, @QueryParam("by") String by) {
        long amount = ms != null ? ms : by != null ? Duration.parse(by).toMillis() : 0;
        clock.advance(amount);
        return clockView();
    }

    @POST
    @Path("/clock/reset")
    public ClockView resetClock() {
        clock.setOffset(0);
        return clockView();
    }

    private ClockView clockView() {
        long now = clock.nowMs();
        return new ClockView(now, SpotifyJson.PLAYED_AT.format(Instant.ofEpochMilli(now)), clock.offsetMs());
    }

    private SyntheticUser require(String id) {
        SyntheticUser u = users.find(id);
        if (u == null) {
            throw new NotFoundException("no such user: " + id);
        }
        return u;
    }

    private static long instant(String s, String name) {
        try {
            return s.chars().allMatch(Character::isDigit)
                    ? Long.parseLong(s)
                    : Instant.parse(s).toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be unix ms or an ISO-8601 instant");
        }
    }

    private static double share(String s, String name) {
        if (s == null) {
            return 0;
        }
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be a number between 0 and 1");
        }
        return v;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
