package io.audiospective.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import io.audiospective.model.TopicSpec;
import io.audiospective.model.Topics;

/** The tests' broker has every declared topic with its declared configuration: {@code plays} is kept forever there. */
class KafkaBrokerTestResourceTest {

    @Test
    void everyDeclaredTopicExistsAsDeclaredAndPlaysAreKeptForever() throws Exception {
        KafkaBrokerTestResource broker = new KafkaBrokerTestResource();
        String bootstrap = broker.start().get("kafka.bootstrap.servers");
        try {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(props)) {
                ConfigResource plays = new ConfigResource(ConfigResource.Type.TOPIC, Topics.PLAYS);
                Config playsConfig =
                        admin.describeConfigs(List.of(plays)).all().get().get(plays);
                assertEquals("-1", playsConfig.get("retention.ms").value());
                assertEquals("-1", playsConfig.get("retention.bytes").value());

                List<String> names =
                        TopicSpec.all().stream().map(TopicSpec::name).toList();
                Map<String, TopicDescription> described =
                        admin.describeTopics(names).allTopicNames().get();
                for (TopicSpec topic : TopicSpec.all()) {
                    assertEquals(
                            TopicSpec.localPartitions(),
                            described.get(topic.name()).partitions().size(),
                            topic.name());
                    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
                    Config config =
                            admin.describeConfigs(List.of(resource)).all().get().get(resource);
                    topic.config()
                            .forEach((key, value) ->
                                    assertEquals(value, config.get(key).value(), topic.name() + " " + key));
                }
                assertTrue(names.contains(Topics.deadLetter(Topics.PLAYS)));
            }
        } finally {
            broker.stop();
        }
    }
}
