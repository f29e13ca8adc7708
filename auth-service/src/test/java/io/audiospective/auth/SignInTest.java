package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.auth.repository.StoredTokensRepository;
import io.audiospective.auth.service.TokenVault;
import io.audiospective.model.UserEventType;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** Sign-in with Spotify through the emulator over real HTTP, founding-member cap and waitlist. */
@QuarkusTest
class SignInTest {

    @Inject
    MemberRepository members;

    @Inject
    StoredTokensRepository tokens;

    @Inject
    TokenVault vault;

    @Inject
    EntityManager entityManager;

    @ConfigProperty(name = "audiospective.auth.member-cap")
    int cap;

    @BeforeEach
    void loopbackHost() {
        RestAssured.baseURI = "http://127.0.0.1";
    }

    @Test
    void signingInCreatesTheMemberWithEncryptedTokensAndAVerifiableApiToken() throws Exception {
        freeSeats(1);
        String userId = SpotifySignIn.createUsers(fresh("new"), 1).get(0);

        SpotifySignIn.Result result = SpotifySignIn.signIn(userId);

        assertThat(result.signedIn()).as(result.toString()).isTrue();
        Member member = QuarkusTransaction.requiringNew().call(() -> members.findById(userId));
        assertThat(member.status).isEqualTo(MemberStatus.ACTIVE);
        assertThat(member.authorizedAt).isNotNull();

        StoredTokens stored = QuarkusTransaction.requiringNew().call(() -> tokens.findById(userId));
        String refreshToken = vault.openRefreshToken(stored);
        assertThat(refreshToken).isNotBlank();
        assertThat(new String(stored.refreshToken, StandardCharsets.ISO_8859_1)).doesNotContain(refreshToken);
        assertThat(stored.refreshKeyId).isEqualTo("k1");

        String jwks = given().when()
                .get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        JwtClaims claims = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .setExpectedIssuer(given().when()
                        .get("/.well-known/openid-configuration")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("issuer"))
                .setExpectedAudience("audiospective-api")
                .build()
                .processToClaims(result.apiToken());
        assertThat(claims.getSubject()).isEqualTo(userId);
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("user");

        assertThat(UserEvents.find(userId, UserEventType.REGISTERED)).isPresent();
        given().auth()
                .oauth2(result.apiToken())
                .when()
                .get("/api/v1/account")
                .then()
                .statusCode(200)
                .body("userId", equalTo(userId))
                .body("status", equalTo("ACTIVE"));
    }

    @Test
    void aFullCapShowsTheWaitlistButMembersStillSignIn() {
        freeSeats(1);
        String member = SpotifySignIn.createUsers(fresh("member"), 1).get(0);
        assertThat(SpotifySignIn.signIn(member).signedIn()).isTrue();
        freeSeats(0);

        given().when()
                .get("/login")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("All founding seats are taken"))
                .body(containsString("action=\"/waitlist\""));
        given().formParam("email", "Someone@Example.org")
                .when()
                .post("/waitlist")
                .then()
                .statusCode(200);
        given().formParam("email", "not an address")
                .when()
                .post("/waitlist")
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"));

        assertThat(SpotifySignIn.signIn(member).signedIn()).isTrue();
        String newcomer = SpotifySignIn.createUsers(fresh("late"), 1).get(0);
        SpotifySignIn.Result turnedAway = SpotifySignIn.signIn(newcomer);
        assertThat(turnedAway.status()).isEqualTo(200);
        assertThat(turnedAway.body()).contains("All founding seats are taken");
        assertThat(QuarkusTransaction.requiringNew().call(() -> members.findById(newcomer)))
                .isNull();
    }

    @Test
    void fiftyConcurrentSignUpsForOneSeatAdmitExactlyOne() throws Exception {
        freeSeats(1);
        List<String> users = SpotifySignIn.createUsers(fresh("rush"), 50);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<SpotifySignIn.Result>> results = new ArrayList<>();
            users.forEach(user -> results.add(pool.submit(() -> SpotifySignIn.signIn(user))));
            int signedIn = 0;
            int waitlisted = 0;
            for (Future<SpotifySignIn.Result> result : results) {
                SpotifySignIn.Result outcome = result.get();
                if (outcome.signedIn()) {
                    signedIn++;
                } else if (outcome.status() == 200 && outcome.body().contains("founding seats are taken")) {
                    waitlisted++;
                }
            }
            assertThat(signedIn).isEqualTo(1);
            assertThat(waitlisted).isEqualTo(49);
        } finally {
            pool.shutdownNow();
        }
        long created = QuarkusTransaction.requiringNew().call(() -> members.count("spotifyUserId in ?1", users));
        assertThat(created).isEqualTo(1);
        assertThat(freeSeatCount()).isZero();
    }

    /** Makes exactly {@code free} seats available, whatever earlier tests took. */
    private void freeSeats(int free) {
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE membership SET extra_seats = GREATEST(0, seats_taken + reserved_seats - :cap + :free) WHERE id = 1")
                        .setParameter("cap", cap)
                        .setParameter("free", free)
                        .executeUpdate());
        assertThat(freeSeatCount()).isEqualTo(free);
    }

    private int freeSeatCount() {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery(
                                        "SELECT :cap + extra_seats - seats_taken - reserved_seats FROM membership WHERE id = 1")
                                .setParameter("cap", cap)
                                .getSingleResult())
                        .intValue());
    }

    private static String fresh(String kind) {
        return kind + UUID.randomUUID().toString().substring(0, 8);
    }
}
