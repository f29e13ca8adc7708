package io.audiospective.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;

import org.eclipse.microprofile.config.ConfigProvider;

/** Reads what GreenMail ({@link GreenMailTestResource}) received, over IMAP as a mail client would. */
public final class Mailbox {

    private Mailbox() {}

    /** A received mail: its subject, headers of interest and both bodies. */
    public record Received(String subject, String listUnsubscribe, String text, String html) {}

    private static TcpForwarder line;

    /**
     * The line from the service's mailer to GreenMail, opened on first use and kept for the test JVM (the port is
     * the global test resource's); {@link TcpForwarder#interrupt()} puts the SMTP server out of the mailer's reach,
     * {@link TcpForwarder#restore()} brings it back.
     */
    public static synchronized TcpForwarder line() {
        if (line == null) {
            var config = ConfigProvider.getConfig();
            try {
                line = TcpForwarder.start(
                        config.getValue(GreenMailTestResource.SMTP_PORT, Integer.class),
                        "127.0.0.1",
                        config.getValue(GreenMailTestResource.SMTP_TARGET_PORT, Integer.class));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return line;
    }

    /** Every mail delivered to {@code address} so far, oldest first (GreenMail creates the mailbox on delivery). */
    public static List<Received> of(String address) {
        int port = ConfigProvider.getConfig().getValue(GreenMailTestResource.IMAP_PORT, Integer.class);
        Properties properties = new Properties();
        properties.put("mail.imap.connectiontimeout", "5000");
        properties.put("mail.imap.timeout", "5000");
        Store store = null;
        try {
            store = Session.getInstance(properties).getStore("imap");
            try {
                store.connect("127.0.0.1", port, address, address);
            } catch (jakarta.mail.AuthenticationFailedException noMailboxYet) {
                return List.of();
            }
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<Received> received = new ArrayList<>();
            for (Message message : inbox.getMessages()) {
                String[] unsubscribe = message.getHeader("List-Unsubscribe");
                received.add(new Received(
                        message.getSubject(),
                        unsubscribe == null ? null : unsubscribe[0],
                        body(message, "text/plain"),
                        body(message, "text/html")));
            }
            inbox.close(false);
            return received;
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("Could not read the test mailbox over IMAP", e);
        } finally {
            if (store != null) {
                try {
                    store.close();
                } catch (MessagingException ignored) {
                    // reading is done
                }
            }
        }
    }

    private static String body(Part part, String type) throws MessagingException, IOException {
        if (part.isMimeType(type)) {
            return part.getContent().toString();
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                String found = body(child, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
