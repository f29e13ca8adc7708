package io.audiospective.support.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.support.MemberKey;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;

/**
 * The API token revocations every verifier of every service honours, shared through one Redis hash: field = the
 * member's {@link MemberKey} (never the id itself, so a deleted member's entry names no one), value = the lowest session
 * number still admitted and when the entry may be forgotten (once every token it refuses
 * has expired). A token carries its session number in claim {@value #SESSION_CLAIM}; sign-out and account deletion
 * raise the member's lowest admitted number above every session issued so far.
 * <p>
 * auth-service's database is the source of truth: it writes an entry here as it revokes and writes all of them again
 * every second, so a flushed or restarted Redis is whole again within a second. Verifiers read the whole hash at most
 * every {@link #FRESH} (one round trip for all requests of that moment) and keep the entries they saw until they
 * expire, so a flush does not un-revoke anything a verifier had seen. While Redis does not answer, the last list read
 * serves for up to {@link #MAX_STALE}; after that tokens are refused, because a verifier that cannot know what was
 * revoked must not admit a token of a deleted member.
 */
@ApplicationScoped
public class ApiTokenRevocations {

    public static final String KEY = "audiospective:api-token-revocations";
    /** The session number claim of API tokens: the same for a sign-in and every renewal of it. */
    public static final String SESSION_CLAIM = "session";

    static final Duration FRESH = Duration.ofMillis(250);
    static final Duration MAX_STALE = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(ApiTokenRevocations.class);

    private final ReactiveHashCommands<String, String, String> hash;
    private final Clock clock;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Instant.MIN);

    ApiTokenRevocations(ReactiveRedisDataSource redis, Clock clock) {
        this.hash = redis.hash(String.class);
        this.clock = clock;
    }

    /**
     * True when the member's tokens of that session are revoked; fails when the revocations could not be read for
     * {@link #MAX_STALE}.
     */
    public Uni<Boolean> refuses(String userId, long session) {
        return current().map(s -> {
            Entry entry = s.entries().get(MemberKey.of(userId));
            return entry != null && session < entry.minSession();
        });
    }

    /** Records a revocation (auth-service), in force in this process at once and in the others within {@link #FRESH}. */
    public Uni<Void> publish(String userId, long minSession, Instant expiresAt) {
        String memberKey = MemberKey.of(userId);
        Entry entry = new Entry(minSession, expiresAt);
        Snapshot known = snapshot;
        Map<String, Entry> entries = new HashMap<>(known.entries());
        entries.merge(memberKey, entry, Entry::max);
        snapshot = new Snapshot(Map.copyOf(entries), known.readAt());
        return hash.hset(KEY, memberKey, entry.encode()).replaceWithVoid();
    }

    /**
     * Records the revocations (auth-service's re-assertion), by {@link MemberKey}, and forgets the expired ones (and
     * so, within a revocation's lifetime, any field written under a raw id before fields were keys).
     */
    public Uni<Void> publishAll(Map<String, Entry> entries) {
        Instant now = clock.instant();
        return hash.hgetall(KEY).chain(stored -> {
            List<String> expired = stored.entrySet().stream()
                    .filter(e -> !entries.containsKey(e.getKey())
                            && Entry.decode(e.getValue()).expired(now))
                    .map(Map.Entry::getKey)
                    .toList();
            Uni<Void> forget = expired.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : hash.hdel(KEY, expired.toArray(String[]::new)).replaceWithVoid();
            if (entries.isEmpty()) {
                return forget;
            }
            Map<String, String> encoded = new HashMap<>();
            entries.forEach((memberKey, entry) -> encoded.put(memberKey, entry.encode()));
            return forget.chain(() -> hash.hset(KEY, encoded).replaceWithVoid());
        });
    }

    private Uni<Snapshot> current() {
        Snapshot known = snapshot;
        Instant now = clock.instant();
        if (known.readAt().plus(FRESH).isAfter(now)) {
            return Uni.createFrom().item(known);
        }
        return hash.hgetall(KEY)
                .map(stored -> {
                    Map<String, Entry> entries = new HashMap<>();
                    // entries seen before and not expired stay, so a flushed Redis revokes nothing back
                    snapshot.entries().forEach((memberKey, entry) -> {
                        if (!entry.expired(now)) {
                            entries.put(memberKey, entry);
                        }
                    });
                    stored.forEach((memberKey, value) -> entries.merge(memberKey, Entry.decode(value), Entry::max));
                    Snapshot read = new Snapshot(Map.copyOf(entries), now);
                    snapshot = read;
                    return read;
                })
                .onFailure()
                .recoverWithUni(failure -> {
                    if (known.readAt().plus(MAX_STALE).isAfter(now)) {
                        return Uni.createFrom().item(known);
                    }
                    LOG.warnf("API token revocations unreadable since %s: %s", known.readAt(), failure.toString());
                    return Uni.createFrom().failure(new IllegalStateException("API token revocations are unreadable"));
                });
    }

    private record Snapshot(Map<String, Entry> entries, Instant readAt) {}

    /** A member's revocation: sessions below {@code minSession} are refused until {@code expiresAt}. */
    public record Entry(long minSession, Instant expiresAt) {

        static Entry decode(String value) {
            int colon = value.indexOf(':');
            return new Entry(
                    Long.parseLong(value.substring(0, colon)),
                    Instant.ofEpochSecond(Long.parseLong(value.substring(colon + 1))));
        }

        public String encode() {
            return minSession + ":" + expiresAt.getEpochSecond();
        }

        boolean expired(Instant now) {
            return !expiresAt.isAfter(now);
        }

        static Entry max(Entry a, Entry b) {
            return new Entry(
                    Math.max(a.minSession, b.minSession), a.expiresAt.isAfter(b.expiresAt) ? a.expiresAt : b.expiresAt);
        }
    }
}
