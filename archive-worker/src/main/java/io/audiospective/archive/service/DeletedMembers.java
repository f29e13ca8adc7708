package io.audiospective.archive.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.MemberKey;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * Account deletions as every archive-worker replica sees them: the replica that consumes a member's DELETED event
 * records when it happened in Redis, under the member's {@link MemberKey}, and every replica checks it before it uses
 * a Spotify token it cached earlier ({@link AccessTokenCache}). The record outlives every token cached before the
 * deletion (Spotify access tokens live an hour).
 */
@ApplicationScoped
public class DeletedMembers {

    static final String PREFIX = "archive:deleted-member:";
    static final Duration KEEP = Duration.ofHours(2);

    private final ValueCommands<String, Long> values;

    DeletedMembers(RedisDataSource redis) {
        this.values = redis.value(Long.class);
    }

    /** The member deleted their account at {@code at}. */
    public void record(String userId, Instant at) {
        values.setex(key(userId), KEEP.toSeconds(), at.toEpochMilli());
    }

    /** When each of these members deleted their account, for those who did within {@link #KEEP}. */
    public Map<String, Instant> deletedAt(Collection<String> userIds) {
        List<String> users = List.copyOf(userIds);
        if (users.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> stored =
                values.mget(users.stream().map(DeletedMembers::key).toArray(String[]::new));
        Map<String, Instant> deleted = new HashMap<>();
        for (String user : users) {
            Long at = stored.get(key(user));
            if (at != null) {
                deleted.put(user, Instant.ofEpochMilli(at));
            }
        }
        return deleted;
    }

    private static String key(String userId) {
        return PREFIX + MemberKey.of(userId);
    }
}
