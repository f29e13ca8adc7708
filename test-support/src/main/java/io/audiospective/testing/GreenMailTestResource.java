package io.audiospective.testing;

import java.util.Map;

import org.jboss.logging.Logger;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real SMTP server (GreenMail) with IMAP to read what it received, on loopback ports of its own. The service's
 * mailer is pointed at {@value #SMTP_PORT}, where nothing listens until a test opens the line with
 * {@link Mailbox#line()}: the tests hold that line and can cut it (an SMTP outage) while GreenMail keeps every mail
 * it already accepted. Quarkus mocks the mailer in dev and test mode by default; this turns the mock off.
 */
public class GreenMailTestResource implements QuarkusTestResourceLifecycleManager {

    /** The port the service's mailer sends to (a {@link TcpForwarder} to GreenMail's SMTP while a test holds it). */
    public static final String SMTP_PORT = "audiospective.test.smtp.port";
    /** GreenMail's own SMTP port. */
    public static final String SMTP_TARGET_PORT = "audiospective.test.smtp.target-port";
    /** GreenMail's IMAP port: every recipient is a mailbox whose login and password are the address. */
    public static final String IMAP_PORT = "audiospective.test.imap.port";

    private static final Logger LOG = Logger.getLogger(GreenMailTestResource.class);

    private GreenMail greenMail;

    @Override
    public Map<String, String> start() {
        int smtp = TcpForwarder.freePort();
        int imap = TcpForwarder.freePort();
        greenMail = new GreenMail(new ServerSetup[] {
            new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(imap, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)
        });
        greenMail.start();
        int line = TcpForwarder.freePort();
        LOG.infof(
                "GreenMail for tests: SMTP 127.0.0.1:%d (the service sends to :%d), IMAP 127.0.0.1:%d",
                smtp, line, imap);
        return Map.of(
                "quarkus.mailer.mock",
                "false",
                "quarkus.mailer.host",
                "127.0.0.1",
                "quarkus.mailer.port",
                String.valueOf(line),
                "quarkus.mailer.start-tls",
                "DISABLED",
                SMTP_PORT,
                String.valueOf(line),
                SMTP_TARGET_PORT,
                String.valueOf(smtp),
                IMAP_PORT,
                String.valueOf(imap));
    }

    @Override
    public void stop() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }
}
