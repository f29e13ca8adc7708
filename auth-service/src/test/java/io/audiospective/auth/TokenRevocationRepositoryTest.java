package io.audiospective.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.auth.repository.TokenRevocationRepository;
import io.audiospective.auth.repository.TokenRevocationRepository.StoredRevocation;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** The revocation statements against the real schema: a stored revocation only ever rises, and expires. */
@QuarkusTest
class TokenRevocationRepositoryTest {

    @Inject
    TokenRevocationRepository revocations;

    @Test
    void aRevocationNeverLowersTheSessionFloorNorShortensItsKeeping() {
        String memberKey = "key-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant later = now.plus(Duration.ofHours(2));

        QuarkusTransaction.requiringNew().run(() -> revocations.raise(memberKey, 10, later));
        // an older revocation arriving late (a replica with a slower clock): neither value goes down
        QuarkusTransaction.requiringNew().run(() -> revocations.raise(memberKey, 7, now.plus(Duration.ofHours(1))));
        assertThat(revocations.minSession(memberKey, now)).contains(10L);
        assertThat(revocations.all()).contains(new StoredRevocation(memberKey, 10, later));

        QuarkusTransaction.requiringNew().run(() -> revocations.raise(memberKey, 12, now.plus(Duration.ofHours(3))));
        assertThat(revocations.minSession(memberKey, now)).contains(12L);
    }

    @Test
    void anExpiredRevocationIsNoLongerInForceAndIsDeleted() {
        String memberKey = "key-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        QuarkusTransaction.requiringNew().run(() -> revocations.raise(memberKey, 3, now.plusSeconds(60)));

        assertThat(revocations.minSession(memberKey, now.plusSeconds(60))).isEmpty();
        revocations.deleteExpired(now.plusSeconds(60));
        assertThat(revocations.all()).extracting(StoredRevocation::memberKey).doesNotContain(memberKey);
    }

    @Test
    void sessionNumbersOnlyRise() {
        long first = revocations.nextSession();
        assertThat(revocations.nextSession()).isGreaterThan(first);
    }
}
