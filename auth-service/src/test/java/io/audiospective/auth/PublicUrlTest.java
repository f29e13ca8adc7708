package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.auth.rest.LoginResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * auth-service behind a TLS-terminating Ingress: requests arrive over plain HTTP with whatever Host header the
 * client sent, yet Spotify is told the configured public redirect URI and every cookie is Secure.
 */
@QuarkusTest
@TestProfile(PublicUrlTest.BehindTheIngress.class)
class PublicUrlTest {

    static final String PUBLIC_URL = "https://auth.audiospective.test";

    public static class BehindTheIngress implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("audiospective.auth.public-url", PUBLIC_URL, "audiospective.auth.secure-cookies", "true");
        }
    }

    @BeforeEach
    void loopbackHost() {
        RestAssured.baseURI = "http://127.0.0.1";
    }

    @Test
    void spotifyIsToldThePublicRedirectUriWhateverTheRequestsHostAndScheme() {
        Response start = given().redirects()
                .follow(false)
                .header("Host", "attacker.example")
                .when()
                .get("/login/spotify")
                .then()
                .statusCode(302)
                .extract()
                .response();

        assertThat(query(start.header("Location"))).containsEntry("redirect_uri", PUBLIC_URL + "/login/spotify");
        assertThat(setCookies(start, "q_auth"))
                .isNotEmpty()
                .allSatisfy(cookie -> assertThat(cookie).contains("secure", "httponly", "path=/login/spotify"));
    }

    @Test
    void theFrontendStateCookieIsSecureAndHttpOnly() {
        Response login = given().redirects()
                .follow(false)
                .when()
                .get("/login?state=" + UUID.randomUUID().toString().replace("-", ""))
                .then()
                .extract()
                .response();

        assertThat(setCookies(login, LoginResource.FRONTEND_STATE_COOKIE))
                .singleElement()
                .satisfies(cookie ->
                        assertThat(cookie).contains("secure", "httponly", "samesite=lax", "path=/login/spotify"));
    }

    /** The attributes of each cookie named {@code name*}, lower case (quarkus-oidc writes HTTPOnly). */
    private static List<List<String>> setCookies(Response response, String name) {
        return response.headers().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(name))
                .map(c -> Arrays.stream(c.split(";"))
                        .skip(1)
                        .map(a -> a.trim().toLowerCase(Locale.ROOT))
                        .toList())
                .toList();
    }

    private static Map<String, String> query(String url) {
        return Arrays.stream(URI.create(url).getRawQuery().split("&"))
                .map(p -> p.split("=", 2))
                .collect(java.util.stream.Collectors.toMap(
                        p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8), (a, b) -> a));
    }
}
