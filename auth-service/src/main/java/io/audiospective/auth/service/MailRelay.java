package io.audiospective.auth.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.auth.MailKind;
import io.audiospective.auth.Member;
import io.audiospective.auth.WaitlistEntry;
import io.audiospective.auth.client.ApiStatsClient;
import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.repository.MailOutboxRepository;
import io.audiospective.auth.repository.MailOutboxRepository.OutboxMail;
import io.audiospective.auth.repository.MailPreferencesRepository;
import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.auth.repository.WaitlistRepository;
import io.audiospective.model.ImportOutcome;
import io.audiospective.model.codec.MessageCodec;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;

/**
 * Sends the outbox's due mails. A round claims a batch with FOR UPDATE SKIP LOCKED, sends each and marks it SENT in
 * the same transaction: another relay thread or replica never gets a row this one holds, and a sent row is never due
 * again. A failed send (SMTP down) leaves the row PENDING with a later next attempt (exponential backoff) and ends the
 * round; nothing is lost. Logs name the outbox id only, never an address or link.
 */
@ApplicationScoped
public class MailRelay {

    private static final Logger LOG = Logger.getLogger(MailRelay.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH);

    private final MailOutboxRepository outbox;
    private final MemberRepository members;
    private final MailPreferencesRepository preferences;
    private final MailLinks links;
    private final ReactiveMailer mailer;
    private final AuthConfig config;
    private final Clock clock;
    private final Template reminderText;
    private final Template reminderHtml;
    private final Template needsReauthText;
    private final Template needsReauthHtml;
    private final Template waitlistText;
    private final Template waitlistHtml;
    private final Template claimText;
    private final Template claimHtml;
    private final WaitlistRepository waitlist;
    private final Template importDoneText;
    private final Template importDoneHtml;
    private final Template importFailedText;
    private final Template importFailedHtml;
    private final MonthlySummaries summaries;
    private final Template summaryText;
    private final Template summaryHtml;

    MailRelay(
            MailOutboxRepository outbox,
            MemberRepository members,
            MailPreferencesRepository preferences,
            MailLinks links,
            ReactiveMailer mailer,
            AuthConfig config,
            Clock clock,
            @Location("mail/reauth-reminder.txt") Template reminderText,
            @Location("mail/reauth-reminder.html") Template reminderHtml,
            @Location("mail/needs-reauth.txt") Template needsReauthText,
            @Location("mail/needs-reauth.html") Template needsReauthHtml,
            @Location("mail/waitlist-confirmation.txt") Template waitlistText,
            @Location("mail/waitlist-confirmation.html") Template waitlistHtml,
            @Location("mail/waitlist-claim.txt") Template claimText,
            @Location("mail/waitlist-claim.html") Template claimHtml,
            WaitlistRepository waitlist,
            @Location("mail/import-done.txt") Template importDoneText,
            @Location("mail/import-done.html") Template importDoneHtml,
            @Location("mail/import-failed.txt") Template importFailedText,
            @Location("mail/import-failed.html") Template importFailedHtml,
            MonthlySummaries summaries,
            @Location("mail/monthly-summary.txt") Template summaryText,
            @Location("mail/monthly-summary.html") Template summaryHtml) {
        this.outbox = outbox;
        this.members = members;
        this.preferences = preferences;
        this.links = links;
        this.mailer = mailer;
        this.config = config;
        this.clock = clock;
        this.reminderText = reminderText;
        this.reminderHtml = reminderHtml;
        this.needsReauthText = needsReauthText;
        this.needsReauthHtml = needsReauthHtml;
        this.waitlistText = waitlistText;
        this.waitlistHtml = waitlistHtml;
        this.claimText = claimText;
        this.claimHtml = claimHtml;
        this.waitlist = waitlist;
        this.importDoneText = importDoneText;
        this.importDoneHtml = importDoneHtml;
        this.importFailedText = importFailedText;
        this.importFailedHtml = importFailedHtml;
        this.summaries = summaries;
        this.summaryText = summaryText;
        this.summaryHtml = summaryHtml;
    }

    public int batchSize() {
        return config.mail().batchSize();
    }

    /** One round: sends the due mails of one batch; the number sent. */
    public int sendDue() {
        return QuarkusTransaction.requiringNew().call(() -> {
            int sent = 0;
            List<OutboxMail> due =
                    outbox.claimDue(clock.instant(), config.mail().batchSize());
            for (OutboxMail mail : due) {
                if (mail.waitlistId() != null) {
                    WaitlistEntry entry = waitlist.findById(mail.waitlistId());
                    if (entry == null) {
                        outbox.markDropped(mail.id(), "no address");
                    } else if (mail.kind() == MailKind.WAITLIST_CLAIM && !entry.claimOpenAt(clock.instant())) {
                        // held up past the claim's end (SMTP down for days): its link would only disappoint
                        outbox.markDropped(mail.id(), "claim closed");
                    } else if (send(mail, waitlistMail(mail.kind(), entry))) {
                        sent++;
                    } else {
                        break;
                    }
                    continue;
                }
                Member member = members.findById(mail.userId());
                if (member == null || member.email == null) {
                    outbox.markDropped(mail.id(), "no address");
                    continue;
                }
                if (!preferences.wants(mail.userId(), mail.kind().category())) {
                    outbox.markDropped(mail.id(), "unsubscribed");
                    continue;
                }
                if (!send(mail, render(mail, member))) {
                    // the SMTP server is most likely down for the rest of the batch too: they wait for the next round
                    break;
                }
                sent++;
            }
            return sent;
        });
    }

    /** Sends and marks the row; false when the send failed (the row waits for its next attempt). */
    private boolean send(OutboxMail mail, Mail rendered) {
        try {
            // bounded: a connection the server drops mid-dialogue may never answer, and the round holds locks
            mailer.send(rendered).await().atMost(config.mail().sendTimeout());
        } catch (RuntimeException e) {
            Instant next = clock.instant().plus(backoff(mail.attempts()));
            outbox.markFailed(mail.id(), next, e.getClass().getSimpleName());
            LOG.warnf(
                    "Mail %d not sent (attempt %d, %s); next attempt at %s",
                    mail.id(), mail.attempts() + 1, e.getClass().getSimpleName(), next);
            return false;
        }
        outbox.markSent(mail.id(), clock.instant());
        LOG.debugf("Mail %d (%s) sent", mail.id(), mail.kind());
        return true;
    }

    private Mail waitlistMail(MailKind kind, WaitlistEntry entry) {
        if (kind != MailKind.WAITLIST_CLAIM) {
            return waitlistConfirmation(entry);
        }
        String claim = links.claimSeat(entry.id, entry.email, entry.claimExpiresAt);
        String claimBy = DATE.format(entry.claimExpiresAt.atZone(ZoneOffset.UTC));
        return Mail.withText(
                        entry.email,
                        "Your founding seat at Audiospective is reserved until " + claimBy,
                        claimText
                                .data("claimUrl", claim)
                                .data("claimBy", claimBy)
                                .render())
                .setHtml(claimHtml
                        .data("claimUrl", claim)
                        .data("claimBy", claimBy)
                        .render());
    }

    private Mail waitlistConfirmation(WaitlistEntry entry) {
        String confirm = links.confirmWaitlist(entry.id, entry.email);
        return Mail.withText(
                        entry.email,
                        "Confirm your address for the Audiospective waitlist",
                        waitlistText.data("confirmUrl", confirm).render())
                .setHtml(waitlistHtml.data("confirmUrl", confirm).render());
    }

    private Duration backoff(int failedBefore) {
        Duration wait = config.mail().retryBase().multipliedBy(1L << Math.min(failedBefore, 20));
        return wait.compareTo(config.mail().retryMax()) > 0 ? config.mail().retryMax() : wait;
    }

    private Mail render(OutboxMail mail, Member member) {
        String unsubscribe = links.unsubscribe(member.spotifyUserId, mail.kind().category());
        if (mail.kind() == MailKind.IMPORT_DONE || mail.kind() == MailKind.IMPORT_FAILED) {
            return importMail(mail, member, unsubscribe);
        }
        if (mail.kind() == MailKind.MONTHLY_SUMMARY) {
            return summaryMail(mail, member, unsubscribe);
        }
        ZoneId zone = zoneOf(member);
        Template text;
        Template html;
        String subject;
        if (mail.kind() == MailKind.REAUTH_REMINDER) {
            text = reminderText;
            html = reminderHtml;
            subject = "Reconnect Spotify by " + DATE.format(mail.aboutAt().atZone(zoneOf(member)))
                    + " to keep your listening history";
        } else {
            text = needsReauthText;
            html = needsReauthHtml;
            subject = "Audiospective stopped recording your listening: reconnect Spotify";
        }
        String name = member.displayName == null ? "there" : member.displayName;
        String reconnectBy =
                mail.aboutAt() == null ? "" : DATE.format(mail.aboutAt().atZone(zone));
        return Mail.withText(member.email, subject, data(text, name, reconnectBy, unsubscribe))
                .setHtml(data(html, name, reconnectBy, unsubscribe))
                // RFC 2369 / 8058: mail clients offer one-click unsubscribe, which POSTs to this address
                .addHeader("List-Unsubscribe", "<" + unsubscribe + ">")
                .addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }

    /** An import's end, from the {@link ImportOutcome} kept as the mail's details. */
    private Mail importMail(OutboxMail mail, Member member, String unsubscribe) {
        ImportOutcome outcome =
                MessageCodec.decode(mail.details().getBytes(StandardCharsets.UTF_8), ImportOutcome.class);
        boolean done = mail.kind() == MailKind.IMPORT_DONE;
        String subject = done
                ? "Your import is done: " + count(outcome.imported()) + " plays added to your listening history"
                : "Your Audiospective import failed: what happened and what to do";
        Template text = done ? importDoneText : importFailedText;
        Template html = done ? importDoneHtml : importFailedHtml;
        return Mail.withText(member.email, subject, importData(text, outcome, member, unsubscribe))
                .setHtml(importData(html, outcome, member, unsubscribe))
                .addHeader("List-Unsubscribe", "<" + unsubscribe + ">")
                .addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }

    private String importData(Template template, ImportOutcome outcome, Member member, String unsubscribe) {
        long notArchived = outcome.failed() + outcome.unmatched();
        return template.data("name", member.displayName == null ? "there" : member.displayName)
                .data("finishedOn", DATE.format(outcome.finishedAt().atZone(zoneOf(member))))
                .data("imported", count(outcome.imported()))
                // null (falsy in the template) leaves out a sentence about nothing
                .data("duplicates", outcome.duplicates() == 0 ? null : count(outcome.duplicates()))
                .data("notArchived", notArchived == 0 ? null : count(notArchived))
                // api-service's reason speaks to operators (workers, chunks): the member reads their own sentence
                .data("reason", outcome.error() == null ? null : ImportFailureReasons.forMember(outcome.error()))
                .data("importsUrl", links.imports())
                .data("unsubscribeUrl", unsubscribe)
                .data("settingsUrl", links.settings())
                .render();
    }

    /** The month's numbers as decided ({@link MonthlySummaries}), kept as the mail's details. */
    private Mail summaryMail(OutboxMail mail, Member member, String unsubscribe) {
        MonthlySummaries.Summary summary = summaries.decode(mail.details());
        String month = MONTH.format(YearMonth.parse(summary.month()));
        String time = listeningTime(summary.ms());
        String subject = "Your listening in " + month + ": " + count(summary.plays()) + " plays, " + time;
        return Mail.withText(member.email, subject, summaryData(summaryText, summary, month, time, member, unsubscribe))
                .setHtml(summaryData(summaryHtml, summary, month, time, member, unsubscribe))
                .addHeader("List-Unsubscribe", "<" + unsubscribe + ">")
                .addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }

    private String summaryData(
            Template template,
            MonthlySummaries.Summary summary,
            String month,
            String time,
            Member member,
            String unsubscribe) {
        return template.data("name", member.displayName == null ? "there" : member.displayName)
                .data("month", month)
                .data("plays", count(summary.plays()))
                .data("listeningTime", time)
                .data("topArtists", ranked(summary.topArtists()))
                .data("topTracks", ranked(summary.topTracks()))
                .data("dashboardUrl", links.dashboard())
                .data("unsubscribeUrl", unsubscribe)
                .data("settingsUrl", links.settings())
                .render();
    }

    private static List<RankedLine> ranked(List<ApiStatsClient.Ranked> items) {
        List<RankedLine> lines = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            var item = items.get(i);
            lines.add(new RankedLine(i + 1, item.name(), item.by(), count(item.plays())));
        }
        return lines;
    }

    /** A line of a top list as the templates show it. */
    @TemplateData
    public record RankedLine(int rank, String name, String by, String plays) {}

    /** "41 hours 5 minutes", "12 minutes": listening time as a member reads it. */
    static String listeningTime(long ms) {
        long minutes = Duration.ofMillis(ms).toMinutes();
        long hours = minutes / 60;
        long rest = minutes % 60;
        String inMinutes = rest + (rest == 1 ? " minute" : " minutes");
        if (hours == 0) {
            return inMinutes;
        }
        String inHours = count(hours) + (hours == 1 ? " hour" : " hours");
        return rest == 0 ? inHours : inHours + " " + inMinutes;
    }

    private static String count(long value) {
        return String.format(Locale.ENGLISH, "%,d", value);
    }

    private String data(Template template, String name, String reconnectBy, String unsubscribe) {
        TemplateInstance instance = template.data("name", name)
                .data("reconnectBy", reconnectBy)
                .data("reconnectUrl", links.reconnect())
                .data("unsubscribeUrl", unsubscribe)
                .data("settingsUrl", links.settings());
        return instance.render();
    }

    private static ZoneId zoneOf(Member member) {
        try {
            return member.timeZone == null ? ZoneOffset.UTC : ZoneId.of(member.timeZone);
        } catch (java.time.DateTimeException unknown) {
            return ZoneOffset.UTC;
        }
    }
}
