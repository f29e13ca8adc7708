package io.audiospective.auth;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.eclipse.microprofile.config.ConfigProvider;

import io.audiospective.testing.SpotifyEmulatorTestResource;

/** Drives the real sign-in through the emulator like a browser: auth-service, Spotify authorize, callback. */
final class SpotifySignIn {

    private SpotifySignIn() {}

    static String authBase() {
        return "http://127.0.0.1:" + io.restassured.RestAssured.port;
    }

    static String emulatorBase() {
        return ConfigProvider.getConfig().getValue(SpotifyEmulatorTestResource.URL_PROPERTY, String.class);
    }

    /** Creates {@code count} synthetic Spotify users and returns their ids. */
    static List<String> createUsers(String prefix, int count) {
        String body = "{\"count\":" + count + ",\"profile\":\"idle\",\"seed\":1,\"prefix\":\"" + prefix + "\"}";
        send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(emulatorBase() + "/emulator/users"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
        return IntStream.rangeClosed(1, count).mapToObj(n -> prefix + "-1-" + n).toList();
    }

    static Result signIn(String spotifyUserId) {
        return signIn(browser(), spotifyUserId, authBase() + "/login/spotify");
    }

    /** A browser of its own: keeps its cookies ({@link #cookies}), follows no redirect. */
    static HttpClient browser() {
        return HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    static List<HttpCookie> cookies(HttpClient browser) {
        return ((CookieManager) browser.cookieHandler().orElseThrow())
                .getCookieStore()
                .getCookies();
    }

    /** Signs in with {@code browser}, starting at {@code start} (auth-service's /login or /login/spotify). */
    static Result signIn(HttpClient browser, String spotifyUserId, String start) {
        HttpResponse<String> response = send(browser, get(start));
        while (response.statusCode() == 303 && response.uri().getPath().equals("/login")) {
            response = send(
                    browser,
                    get(response.uri()
                            .resolve(response.headers().firstValue("Location").orElseThrow())
                            .toString()));
        }
        expect(response, 302);
        String authorize = response.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> approved = send(browser, get(authorize + "&login_hint=" + spotifyUserId));
        expect(approved, 302);
        String callback = approved.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> done = send(browser, get(callback));
        return new Result(
                done.statusCode(),
                done.headers().firstValue("Location").orElse(null),
                done.body(),
                done.headers().allValues("Set-Cookie"));
    }

    /** The first answer to a GET of {@code url} in {@code browser}. */
    static HttpResponse<String> visit(HttpClient browser, String url) {
        return send(browser, get(url));
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError(
                    response.request().uri() + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Where the sign-in ended: a redirect to the frontend carrying the API token, or a page. */
    record Result(int status, String location, String body, List<String> setCookies) {

        boolean signedIn() {
            return status == 303 && location != null && location.contains("#access_token=");
        }

        String apiToken() {
            if (!signedIn()) {
                throw new AssertionError("Not signed in: " + status + " " + body);
            }
            return fragment().get("access_token");
        }

        /** The parameters in the fragment of the redirect to the frontend. */
        Map<String, String> fragment() {
            if (!signedIn()) {
                throw new AssertionError("Not signed in: " + status + " " + body);
            }
            return java.util.Arrays.stream(
                            location.substring(location.indexOf('#') + 1).split("&"))
                    .map(part -> part.split("=", 2))
                    .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
        }
    }
}
