package io.audiospective.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.jboss.logging.Logger;

import io.audiospective.model.TopicSpec;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real single-node KRaft broker inside the test JVM on a random port, shared by all tests of a module, with every
 * topic of {@link TopicSpec#all()} created as the local broker creates it (its configuration, {@link
 * TopicSpec#localPartitions()} partitions). When {@code KAFKA_BOOTSTRAP_SERVERS} is set, the tests use that broker
 * instead and nothing is started; missing topics are created there too.
 */
public class KafkaBrokerTestResource implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(KafkaBrokerTestResource.class);
    private static final String EXTERNAL_BROKER_VARIABLE = "KAFKA_BOOTSTRAP_SERVERS";

    private KafkaClusterTestKit cluster;

    @Override
    public Map<String, String> start() {
        String external = System.getenv(EXTERNAL_BROKER_VARIABLE);
        if (external != null && !external.isBlank()) {
            LOG.infof("Tests use the external Kafka broker at %s", external);
            createTopics(external);
            return Map.of("kafka.bootstrap.servers", external);
        }
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .build())
                    // tests also make topics of their own (fresh names per test) by producing to them
                    .setConfigProp("auto.create.topics.enable", "true")
                    .setConfigProp("num.partitions", "3")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the test Kafka broker", e);
        }
        LOG.infof("Test Kafka broker listens on %s", cluster.bootstrapServers());
        createTopics(cluster.bootstrapServers());
        return Map.of("kafka.bootstrap.servers", cluster.bootstrapServers());
    }

    /**
     * Creates the declared topics a broker lacks and sets the declared configuration on those it has, like {@code
     * deploy/kafka.sh topics} does for the local broker.
     */
    public static void createTopics(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            Map<ConfigResource, Collection<AlterConfigOp>> alter = new HashMap<>();
            int partitions = TopicSpec.localPartitions();
            for (TopicSpec topic : TopicSpec.all()) {
                if (existing.contains(topic.name())) {
                    alter.put(
                            new ConfigResource(ConfigResource.Type.TOPIC, topic.name()),
                            topic.config().entrySet().stream()
                                    .map(e -> new AlterConfigOp(
                                            new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                                    .toList());
                } else {
                    missing.add(new NewTopic(topic.name(), partitions, (short) 1).configs(topic.config()));
                }
            }
            admin.createTopics(missing).all().get();
            admin.incrementalAlterConfigs(alter).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the test topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create the test topics on " + bootstrapServers, e.getCause());
        }
    }

    @Override
    public void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                LOG.warnf("Test Kafka broker did not stop cleanly: %s", e.getMessage());
            }
        }
    }
}
