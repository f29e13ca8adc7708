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
import java.util.Map;
import java.util.Optional;

/**
 * Signs a synthetic user in the way a browser does: auth-service's {@code /login/spotify}, the emulator's
 * authorize page approved with {@code login_hint}, and the callback, which ends at the frontend with the API token.
 */
public final class SpotifySignIn {

    private final URI authService;
    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public SpotifySignIn(URI authService) {
        this.authService = authService;
    }

    /** The API token the frontend receives, or empty when the sign-in did not end at the frontend. */
    public Optional<String> signIn(String spotifyUserId) {
        // each sign-in is a browser of its own (its own cookies) over one shared client: a client per sign-in keeps
        // its selector and connections open until it is collected, and thousands of sign-ins ran out of descriptors
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        String authorize =
                redirect(cookies, authService.resolve("/login/spotify").toString());
        String callback = redirect(cookies, authorize + "&login_hint=" + spotifyUserId);
        String frontend = redirect(cookies, callback);
        int fragment = frontend == null ? -1 : frontend.indexOf("#access_token=");
        if (fragment < 0) {
            return Optional.empty();
        }
        String token = frontend.substring(fragment + "#access_token=".length()).split("&", 2)[0];
        return Optional.of(URLDecoder.decode(token, StandardCharsets.UTF_8));
    }

    private String redirect(CookieManager cookies, String url) {
        URI uri = URI.create(url);
        try {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
            cookies.get(uri, Map.of()).forEach((name, values) -> {
                if (!values.isEmpty()) {
                    request.header(name, String.join("; ", values));
                }
            });
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            cookies.put(uri, response.headers().map());
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
