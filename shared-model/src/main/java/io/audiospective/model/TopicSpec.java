package io.audiospective.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Kafka topic as Audiospective wants it: its name, its partitions in Kubernetes and its topic-level configuration
 * (retention). The list is {@code topics.conf} next to this class, the one place the local broker
 * ({@code deploy/kafka.sh topics}), the tests' broker and the Kubernetes manifests' test read it from.
 */
public record TopicSpec(String name, int partitions, Map<String, String> config) {

    /** {@code retention.ms} of a topic kept forever. */
    public static final String FOREVER = "-1";

    private static final String RESOURCE = "topics.conf";

    public TopicSpec {
        Contracts.requireText(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive: " + name);
        }
        config = Map.copyOf(config);
    }

    /** The declared topics and the partitions each gets on the local broker and in tests. */
    public record Declared(int localPartitions, List<TopicSpec> topics) {}

    /** Every topic, in the order of {@code topics.conf}. */
    public static List<TopicSpec> all() {
        return declared().topics();
    }

    /**
     * Partitions of every topic on the local broker and in tests (instead of {@link #partitions()}): a partition
     * count cannot change on an existing installation without moving members between partitions.
     */
    public static int localPartitions() {
        return declared().localPartitions();
    }

    private static Declared declared() {
        try (InputStream in = TopicSpec.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Optional<TopicSpec> named(String name) {
        return all().stream().filter(t -> t.name.equals(name)).findFirst();
    }

    static Declared parse(BufferedReader lines) throws IOException {
        List<TopicSpec> topics = new ArrayList<>();
        int localPartitions = 0;
        String line;
        while ((line = lines.readLine()) != null) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields[0].equals("local-partitions")) {
                localPartitions = Integer.parseInt(fields[1]);
                continue;
            }
            if (fields.length < 2) {
                throw new IllegalStateException(RESOURCE + ": a topic needs a name and partitions: " + line);
            }
            Map<String, String> config = new LinkedHashMap<>();
            for (int i = 2; i < fields.length; i++) {
                int eq = fields[i].indexOf('=');
                if (eq < 1) {
                    throw new IllegalStateException(RESOURCE + ": not a config=value pair: " + fields[i]);
                }
                config.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
            }
            topics.add(new TopicSpec(fields[0], Integer.parseInt(fields[1]), config));
        }
        if (localPartitions < 1) {
            throw new IllegalStateException(RESOURCE + " has no local-partitions line");
        }
        return new Declared(localPartitions, List.copyOf(topics));
    }
}
