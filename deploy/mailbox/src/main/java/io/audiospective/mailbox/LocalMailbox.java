package io.audiospective.mailbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The local run's mail server: GreenMail takes every mail auth-service sends over SMTP (MAILBOX_SMTP_PORT, default
 * 3025) and keeps it in memory; http://127.0.0.1:MAILBOX_WEB_PORT/ (default 8025) lists them, newest first, with
 * their text bodies, and /count answers how many there are. Loopback only; nothing is delivered anywhere.
 */
public final class LocalMailbox {

    private LocalMailbox() {}

    public static void main(String[] args) throws IOException {
        int smtpPort = port("MAILBOX_SMTP_PORT", 3025);
        int webPort = port("MAILBOX_WEB_PORT", 8025);
        GreenMail greenMail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", webPort), 0);
        web.createContext(
                "/count",
                exchange -> answer(exchange, "text/plain", String.valueOf(greenMail.getReceivedMessages().length)));
        web.createContext("/", exchange -> answer(exchange, "text/html", page(greenMail.getReceivedMessages())));
        web.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            web.stop(0);
            greenMail.stop();
        }));
        System.out.printf("mailbox: SMTP on 127.0.0.1:%d, received mails on http://127.0.0.1:%d/%n", smtpPort, webPort);
    }

    private static String page(MimeMessage[] messages) {
        StringBuilder html = new StringBuilder("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local mailbox</title>
                <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
                article{border-top:1px solid #ccc;padding:.5rem 0}pre{white-space:pre-wrap}</style></head><body>
                <h1>Local mailbox</h1>
                """);
        html.append("<p>").append(messages.length).append(" mails received (newest first; reload to refresh)</p>");
        for (int i = messages.length - 1; i >= 0; i--) {
            MimeMessage message = messages[i];
            try {
                html.append("<article><h2>")
                        .append(escape(message.getSubject()))
                        .append("</h2><p>To ")
                        .append(escape(String.join(", ", recipients(message))))
                        .append(message.getSentDate() == null ? "" : " &middot; " + message.getSentDate())
                        .append("</p><pre>")
                        .append(escape(text(message)))
                        .append("</pre></article>");
            } catch (MessagingException | IOException e) {
                html.append("<article><p>unreadable mail: ")
                        .append(escape(e.toString()))
                        .append("</p></article>");
            }
        }
        return html.append("</body></html>").toString();
    }

    private static List<String> recipients(MimeMessage message) throws MessagingException {
        var all = message.getAllRecipients();
        return all == null
                ? List.of()
                : List.of(all).stream().map(Object::toString).toList();
    }

    private static String text(Part part) throws MessagingException, IOException {
        if (part.isMimeType("text/plain")) {
            return part.getContent().toString();
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                String found = text(child);
                if (!found.isEmpty()) {
                    return found;
                }
            }
        }
        return "";
    }

    private static void answer(HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String escape(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }

    private static int port(String variable, int fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }
}
