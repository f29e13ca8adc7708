import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;

/**
 * {@code deploy/kafka.sh topics}: makes the local broker's topics what shared-model's topics.conf declares, then checks
 * them. Run by the JDK's source launcher on the broker's classpath (no build step).
 * <p>
 * {@code EnsureTopics <topics.conf> <bootstrap servers> ensure|check}: {@code ensure} creates missing topics (the file's
 * {@code local-partitions}, replication 1) and sets the declared configuration on existing ones, then checks; {@code
 * check} only checks. Exit 0 when every declared topic exists with its declared configuration, 1 with one line per
 * difference otherwise (a {@code plays} that is not kept forever first among them).
 */
public class EnsureTopics {

    record Spec(String name, Map<String, String> config) {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[2].equals("ensure") || args[2].equals("check"))) {
            System.err.println("usage: EnsureTopics <topics.conf> <bootstrap servers> ensure|check");
            System.exit(2);
        }
        int[] localPartitions = {0};
        List<Spec> specs = read(Path.of(args[0]), localPartitions);
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        try (Admin admin = Admin.create(props)) {
            if (args[2].equals("ensure")) {
                ensure(admin, specs, localPartitions[0]);
            }
            List<String> problems = check(admin, specs);
            if (!problems.isEmpty()) {
                problems.forEach(p -> System.err.println("kafka.sh: ERROR: " + p));
                System.exit(1);
            }
            System.out.println("kafka.sh: " + specs.size() + " topics as declared in " + args[0]);
        }
    }

    static List<Spec> read(Path file, int[] localPartitions) throws IOException {
        List<Spec> specs = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields[0].equals("local-partitions")) {
                localPartitions[0] = Integer.parseInt(fields[1]);
                continue;
            }
            Map<String, String> config = new LinkedHashMap<>();
            for (int i = 2; i < fields.length; i++) {
                String[] kv = fields[i].split("=", 2);
                config.put(kv[0], kv[1]);
            }
            specs.add(new Spec(fields[0], config));
        }
        return specs;
    }

    static void ensure(Admin admin, List<Spec> specs, int partitions) throws Exception {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> missing = new ArrayList<>();
        Map<ConfigResource, Collection<AlterConfigOp>> alter = new HashMap<>();
        for (Spec spec : specs) {
            if (existing.contains(spec.name())) {
                alter.put(
                        new ConfigResource(ConfigResource.Type.TOPIC, spec.name()),
                        spec.config().entrySet().stream()
                                .map(e -> new AlterConfigOp(
                                        new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                                .toList());
            } else {
                missing.add(new NewTopic(spec.name(), partitions, (short) 1).configs(spec.config()));
                System.out.println("kafka.sh: creating topic " + spec.name() + " " + spec.config());
            }
        }
        admin.createTopics(missing).all().get();
        admin.incrementalAlterConfigs(alter).all().get();
    }

    /** Differences between the broker and the declaration; {@code plays} kept forever is checked by its config like every other. */
    static List<String> check(Admin admin, List<Spec> specs) throws Exception {
        Set<String> existing = admin.listTopics().names().get();
        List<String> problems = new ArrayList<>();
        List<ConfigResource> resources = new ArrayList<>();
        for (Spec spec : specs) {
            if (existing.contains(spec.name())) {
                resources.add(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            } else {
                problems.add("topic " + spec.name() + " does not exist (deploy/kafka.sh topics creates it)");
            }
        }
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
        for (Spec spec : specs) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            if (config == null) {
                continue;
            }
            spec.config().forEach((key, wanted) -> {
                ConfigEntry entry = config.get(key);
                String actual = entry == null ? null : entry.value();
                if (!wanted.equals(actual)) {
                    String why = spec.name().equals("plays") && key.equals("retention.ms")
                            ? " (plays must be kept forever: it is the log a replay or a new consumer rebuilds from;"
                                    + " run deploy/kafka.sh topics, see docs/runbook-republish.md)"
                            : "";
                    problems.add("topic " + spec.name() + " has " + key + "=" + actual + ", declared " + wanted + why);
                }
            });
        }
        return problems;
    }
}
