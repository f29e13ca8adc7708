package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.net.HttpCookie;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.auth.rest.LoginResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * What a sign-in leaves in the browser (nothing that signs it in again without Spotify), and the state a frontend
 * started it with, handed back beside the API token.
 */
@QuarkusTest
class SignInCookieTest {

    @Inject
    EntityManager entityManager;

    @ConfigProperty(name = "audiospective.auth.member-cap")
    int cap;

    @BeforeEach
    void loopbackHostAndAFreeSeat() {
        RestAssured.baseURI = "http://127.0.0.1";
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE membership SET extra_seats = GREATEST(0, seats_taken + reserved_seats - :cap + 1) WHERE id = 1")
                        .setParameter("cap", cap)
                        .executeUpdate());
    }

    @Test
    void aCompletedSignInLeavesNoSessionAndTheNextVisitGoesToSpotify() {
        String userId = SpotifySignIn.createUsers(
                        "cookie" + UUID.randomUUID().toString().substring(0, 8), 1)
                .get(0);
        HttpClient browser = SpotifySignIn.browser();

        SpotifySignIn.Result result =
                SpotifySignIn.signIn(browser, userId, SpotifySignIn.authBase() + "/login/spotify");

        assertThat(result.signedIn()).as(result.toString()).isTrue();
        assertThat(SpotifySignIn.cookies(browser))
                .as("cookies the browser still holds")
                .extracting(HttpCookie::getName)
                .noneMatch(name -> name.startsWith("q_session"));
        HttpResponse<String> again = SpotifySignIn.visit(browser, SpotifySignIn.authBase() + "/login/spotify");
        assertThat(again.statusCode()).as("a second visit after signing in").isEqualTo(302);
        assertThat(again.headers().firstValue("Location").orElseThrow())
                .startsWith(SpotifySignIn.emulatorBase() + "/authorize");
    }

    @Test
    void aSignInStartedWithAStateEndsWithThatStateAndForgetsIt() {
        String userId = SpotifySignIn.createUsers(
                        "state" + UUID.randomUUID().toString().substring(0, 8), 1)
                .get(0);
        String state = UUID.randomUUID().toString().replace("-", "");
        HttpClient browser = SpotifySignIn.browser();

        SpotifySignIn.Result result =
                SpotifySignIn.signIn(browser, userId, SpotifySignIn.authBase() + "/login?state=" + state);

        assertThat(result.fragment()).containsEntry("state", state).containsKey("access_token");
        assertThat(SpotifySignIn.cookies(browser))
                .extracting(HttpCookie::getName)
                .doesNotContain(LoginResource.FRONTEND_STATE_COOKIE);
        // a sign-in nobody started with a state carries none, which the dashboard refuses
        assertThat(SpotifySignIn.signIn(userId).fragment()).doesNotContainKey("state");
    }

    @Test
    void aMalformedStateIsAProblem() {
        given().redirects()
                .follow(false)
                .when()
                .get("/login?state=" + "short%3Cscript%3E")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("state"));
    }
}
