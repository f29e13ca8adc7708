package io.audiospective.systemtest;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Signs a synthetic user in the way a browser does: auth-service's {@code /login/spotify}, the emulator's
 * authorize page approved with {@code login_hint}, and the callback, which ends at the frontend with the API token.
 */
public final class SpotifySignIn {

    private final URI authService;

    public SpotifySignIn(URI authService) {
        this.authService = authService;
    }

    /** The API token the frontend receives, or empty when the sign-in did not end at the frontend. */
    public Optional<String> signIn(String spotifyUserId) {
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        String authorize =
                redirect(browser, authService.resolve("/login/spotify").toString());
        String callback = redirect(browser, authorize + "&login_hint=" + spotifyUserId);
        String frontend = redirect(browser, callback);
        int fragment = frontend == null ? -1 : frontend.indexOf("#access_token=");
        if (fragment < 0) {
            return Optional.empty();
        }
        String token = frontend.substring(fragment + "#access_token=".length()).split("&", 2)[0];
        return Optional.of(URLDecoder.decode(token, StandardCharsets.UTF_8));
    }

    private static String redirect(HttpClient browser, String url) {
        try {
            HttpResponse<Void> response = browser.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 3) {
                throw new IllegalStateException("Sign-in step "
                        + URI.create(url).getPath() + " answered " + response.statusCode() + " instead of a redirect");
            }
            return response.headers().firstValue("Location").orElse(null);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Sign-in step " + URI.create(url).getPath() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
