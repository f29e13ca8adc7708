package io.audiospective.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The declared topics cover every topic of {@link Topics} and its dead-letter topic, and keep {@code plays} forever. */
class TopicSpecTest {

    @Test
    void everyTopicAndItsDeadLetterTopicIsDeclared() {
        Map<String, TopicSpec> topics = TopicSpec.all().stream().collect(Collectors.toMap(TopicSpec::name, t -> t));
        for (String topic : List.of(
                Topics.ARCHIVE_BATCHES,
                Topics.ARCHIVE_OUTCOMES,
                Topics.PLAYS,
                Topics.USERS,
                Topics.IMPORTS,
                Topics.IMPORTS_PROGRESS,
                Topics.IMPORT_OUTCOMES,
                Topics.CATALOGUE_ARTISTS)) {
            assertThat(topics).containsKey(topic).containsKey(Topics.deadLetter(topic));
        }
        assertThat(topics).hasSize(16);
    }

    @Test
    void playsAreKeptForeverAndUsersForAWeek() {
        TopicSpec plays = TopicSpec.named(Topics.PLAYS).orElseThrow();
        assertThat(plays.config())
                .containsEntry("retention.ms", TopicSpec.FOREVER)
                .containsEntry("retention.bytes", "-1");
        assertThat(plays.partitions()).isEqualTo(12);
        assertThat(TopicSpec.named(Topics.CATALOGUE_ARTISTS).orElseThrow().config())
                .containsEntry("cleanup.policy", "compact");
        assertThat(TopicSpec.named(Topics.USERS).orElseThrow().config()).containsEntry("retention.ms", "604800000");
    }
}
