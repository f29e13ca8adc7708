package io.audiospective.auth.service;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.support.BeforeSchemaMigrated;
import io.quarkus.scheduler.Scheduled;

/**
 * Decides the due reminders and monthly summaries, passes expired waitlist claims on and sends the outbox, on every replica (row locks and the
 * outbox make each happen once).
 */
@ApplicationScoped
public class MailJobs {

    private static final Logger LOG = Logger.getLogger(MailJobs.class);

    private static final int CLAIM_BATCH = 50;

    private final MemberMails mails;
    private final MailRelay relay;
    private final MembershipService membership;
    private final MonthlySummaries summaries;
    private final Clock clock;

    MailJobs(
            MemberMails mails, MailRelay relay, MembershipService membership, MonthlySummaries summaries, Clock clock) {
        this.mails = mails;
        this.relay = relay;
        this.membership = membership;
        this.summaries = summaries;
        this.clock = clock;
    }

    @Scheduled(
            every = "${audiospective.auth.mail.summary-interval}",
            delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void enqueueMonthlySummaries() {
        MonthlySummaries.Run run = summaries.enqueueDue(clock.instant());
        if (run.enqueued() > 0) {
            LOG.infof("%d monthly summaries enqueued", run.enqueued());
        }
    }

    @Scheduled(
            every = "${audiospective.auth.waitlist.claim-expiry-interval}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void passOnExpiredClaims() {
        // batches of 50 keep each transaction's locks short; a full batch may have more behind it
        int released = membership.passOnExpiredClaims(CLAIM_BATCH);
        int total = released;
        while (released == CLAIM_BATCH) {
            released = membership.passOnExpiredClaims(CLAIM_BATCH);
            total += released;
        }
        if (total > 0) {
            LOG.infof("%d expired waitlist claims passed on", total);
        }
    }

    @Scheduled(
            every = "${audiospective.auth.mail.reminder-interval}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void enqueueReminders() {
        int enqueued = mails.enqueueDueReminders(clock.instant());
        if (enqueued > 0) {
            LOG.infof("%d Spotify reconnect reminders enqueued", enqueued);
        }
    }

    @Scheduled(
            every = "${audiospective.auth.mail.relay-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void relay() {
        // full batches follow each other at once; a short or failed one waits for the next tick
        int batch = relay.sendDue();
        int total = batch;
        while (batch > 0 && batch == relay.batchSize()) {
            batch = relay.sendDue();
            total += batch;
        }
        if (total > 0) {
            LOG.infof("%d mails sent", total);
        }
    }
}
