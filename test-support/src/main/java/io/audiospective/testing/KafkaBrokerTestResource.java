package io.audiospective.testing;

import java.util.Map;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.jboss.logging.Logger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real single-node KRaft broker inside the test JVM on a random port, shared by all tests of a module.
 * When {@code KAFKA_BOOTSTRAP_SERVERS} is set, the tests use that broker instead and nothing is started.
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
            return Map.of("kafka.bootstrap.servers", external);
        }
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .build())
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
        return Map.of("kafka.bootstrap.servers", cluster.bootstrapServers());
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
