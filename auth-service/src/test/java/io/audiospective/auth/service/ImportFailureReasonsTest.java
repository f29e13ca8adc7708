package io.audiospective.auth.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Every reason api-service gives a failed import becomes a sentence without its internal words. */
class ImportFailureReasonsTest {

    private static final List<String> INTERNAL = List.of("worker", "chunk", "exception", "kafka", "service", " at ");

    @Test
    void theKnownReasonsBecomeMemberSentencesAndAnyOtherAGeneralOne() {
        assertThat(ImportFailureReasons.forMember("sending to the worker stopped after 12 chunks; the chunks sent are"
                        + " archived, the rest is not: upload the file again (nothing is archived twice)"))
                .startsWith("We stopped reading your file into your archive part-way through")
                .contains("What we read before that is in your archive");
        assertThat(ImportFailureReasons.forMember("sending to the worker stopped after 0 chunks; ..."))
                .startsWith("We could not start reading your file");
        assertThat(ImportFailureReasons.forMember("sending to the worker was interrupted (the service sending it"
                        + " stopped); the plays sent before are archived"))
                .startsWith("Audiospective restarted while it was reading your file");
        String unknown = ImportFailureReasons.forMember(
                "java.lang.IllegalStateException: KafkaProducer closed\n\tat org.apache.kafka.Foo.send(Foo.java:12)");
        assertThat(unknown)
                .isEqualTo("Something went wrong on our side while your file was being read into your archive.");
        for (String reason : List.of(
                "sending to the worker stopped after 3 chunks",
                "sending to the worker was interrupted (the service sending it stopped)",
                "org.postgresql.util.PSQLException: connection refused")) {
            String sentence = ImportFailureReasons.forMember(reason).toLowerCase(java.util.Locale.ROOT);
            assertThat(INTERNAL).noneSatisfy(word -> assertThat(sentence).contains(word));
        }
    }
}
