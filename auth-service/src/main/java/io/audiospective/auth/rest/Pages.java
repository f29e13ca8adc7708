package io.audiospective.auth.rest;

/** The few HTML pages auth-service serves itself. */
final class Pages {

    /** The pages' only style, inline: the Content-Security-Policy admits exactly this text by its hash. */
    static final String STYLE = """
            body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;
            color:#111;background:#fff}a,button{font-size:1rem}input{font-size:1rem;padding:.4rem;width:100%}
            button{margin-top:.6rem;padding:.5rem 1rem;background:#1d4ed8;color:#fff;border:0;border-radius:.3rem}
            .note{color:#7c2d12}""";

    private static final String HEAD = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Audiospective</title>
            <style>""" + STYLE + """
            </style></head><body>
            """;

    private Pages() {}

    static String waitlist(String note) {
        return HEAD + """
                <h1>All founding seats are taken</h1>
                %s
                <p>Audiospective is full for now. Leave your e-mail address and we will let you know when a seat
                opens.</p>
                <form method="post" action="/waitlist">
                  <label for="email">E-mail address</label>
                  <input id="email" name="email" type="email" required autocomplete="email">
                  <button type="submit">Join the waitlist</button>
                </form>
                <p>Already a member? <a href="/login/spotify">Sign in with Spotify</a></p>
                </body></html>
                """.formatted(note == null ? "" : "<p class=\"note\" role=\"status\">" + note + "</p>");
    }

    static String onWaitlist() {
        return HEAD + """
                <h1>You are on the waitlist</h1>
                <p role="status">Thank you. We sent you a mail: follow its link to confirm your address, and we will
                write to you when a seat opens.</p>
                </body></html>
                """;
    }

    /** Asks before unsubscribing: mail scanners open links, only the member's click (a POST) unsubscribes. */
    static String unsubscribe(String what, String action) {
        return HEAD + """
                <h1>Stop %s?</h1>
                <form method="post" action="%s">
                  <button type="submit">Unsubscribe</button>
                </form>
                <p>You can turn them on again in the dashboard's settings.</p>
                </body></html>
                """.formatted(what, action.replace("&", "&amp;").replace("\"", "&quot;"));
    }

    static String unsubscribed(String what) {
        return HEAD + """
                <h1>Unsubscribed</h1>
                <p role="status">You will get no more %s. You can turn them on again in the dashboard's settings.</p>
                </body></html>
                """.formatted(what);
    }

    static String waitlistConfirmed() {
        return HEAD + """
                <h1>Address confirmed</h1>
                <p role="status">You are on the waitlist. We will write to you when a seat opens.</p>
                </body></html>
                """;
    }
}
