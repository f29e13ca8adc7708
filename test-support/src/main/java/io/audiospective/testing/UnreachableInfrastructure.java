package io.audiospective.testing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real PostgreSQL, Redis and Kafka, but configured behind loopback ports where nothing listens yet: the
 * service starts with all three unreachable. A test brings each one back with a {@link TcpForwarder} from the
 * configured port to the target named in {@code audiospective.test.target.<name>} ({@code host:port}).
 */
public class UnreachableInfrastructure implements QuarkusTestResourceLifecycleManager {

    private final KafkaBrokerTestResource kafka = new KafkaBrokerTestResource();
    private final PostgresTestDatabase database = new PostgresTestDatabase();

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();

        URI jdbc =
                URI.create(database.start().get("quarkus.datasource.jdbc.url").substring("jdbc:".length()));
        int postgresPort = TcpForwarder.freePort();
        config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + postgresPort + jdbc.getPath());
        config.put("audiospective.test.port.postgres", String.valueOf(postgresPort));
        config.put("audiospective.test.target.postgres", jdbc.getHost() + ":" + jdbc.getPort());

        String bootstrap = kafka.start().get("kafka.bootstrap.servers").split(",")[0];
        int kafkaPort = TcpForwarder.freePort();
        config.put("kafka.bootstrap.servers", "127.0.0.1:" + kafkaPort);
        config.put("audiospective.test.port.kafka", String.valueOf(kafkaPort));
        config.put("audiospective.test.target.kafka", bootstrap);

        String redisUrl = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        URI redis = URI.create(redisUrl);
        int redisPort = TcpForwarder.freePort();
        config.put("quarkus.redis.hosts", "redis://127.0.0.1:" + redisPort);
        config.put("audiospective.test.port.redis", String.valueOf(redisPort));
        config.put("audiospective.test.target.redis", redis.getHost() + ":" + redis.getPort());
        return config;
    }

    @Override
    public void stop() {
        kafka.stop();
        database.stop();
    }
}
