package io.audiospective.auth.service;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failed import's mail tells the member. api-service's reason is written for its operators and its job list
 * (it names the worker, chunks, the service that stopped), so the mail never shows it: the known reasons become a
 * sentence a member understands, anything else a general one. What to do is the same for all (the template says it).
 */
final class ImportFailureReasons {

    private static final Pattern STOPPED_AFTER = Pattern.compile("^sending to the worker stopped after (\\d+) chunks");

    private ImportFailureReasons() {}

    static String forMember(String reason) {
        String text = reason == null ? "" : reason;
        Matcher stopped = STOPPED_AFTER.matcher(text);
        if (stopped.find()) {
            return "0".equals(stopped.group(1))
                    ? "We could not start reading your file into your archive because of a problem on our side."
                    : "We stopped reading your file into your archive part-way through because of a problem on our"
                            + " side. What we read before that is in your archive; the rest is not.";
        }
        if (text.startsWith("sending to the worker was interrupted")) {
            return "Audiospective restarted while it was reading your file into your archive, so it stopped part-way"
                    + " through. What it read before that is in your archive; the rest is not.";
        }
        return "Something went wrong on our side while your file was being read into your archive.";
    }
}
