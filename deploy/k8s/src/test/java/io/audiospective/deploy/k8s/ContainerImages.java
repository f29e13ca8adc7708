package io.audiospective.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.Port;

/**
 * Builds the services' container images with Jib (jib-core), without any Docker daemon, as image tarballs in
 * {@code deploy/k8s/target/images/<service>.tar} (Docker-archive format: {@code docker load}, {@code podman load},
 * {@code skopeo copy docker-archive:...}, {@code crane push}, {@code kind load image-archive}). Not part of the
 * normal build: it runs only when {@code -Dimages=auth-service,...} is given, after the services were packaged.
 * The layers follow Quarkus' fast-jar layout (dependencies first, the application last) under /deployments.
 * <p>
 * {@code -Dimage.base}: the base image, from a registry (default: Red Hat's UBI 9 OpenJDK 17 runtime, user 185) or
 * {@code tar:///path/base.tar} (e.g. made by {@code images/debian-jre-base.sh} where no registry is reachable).
 * {@code -Dimage.tag} (default 0.1.0-SNAPSHOT), {@code -Dimage.group} (default audiospective).
 */
@EnabledIfSystemProperty(named = "images", matches = ".+")
class ContainerImages {

    static final Path K8S = Path.of("").toAbsolutePath();
    static final Path ROOT = K8S.resolve("../..").normalize();
    static final Map<String, Integer> PORTS =
            Map.of("api-service", 8080, "auth-service", 8081, "scheduler-service", 8082, "archive-worker", 8083);
    static final AbsoluteUnixPath DEPLOYMENTS = AbsoluteUnixPath.get("/deployments");

    @Test
    void buildImageTarballs() throws Exception {
        String base = System.getProperty("image.base", "registry.access.redhat.com/ubi9/openjdk-17-runtime");
        String tag = System.getProperty("image.tag", "0.1.0-SNAPSHOT");
        String group = System.getProperty("image.group", "audiospective");
        for (String service : System.getProperty("images").split(",")) {
            service = service.trim();
            assertThat(PORTS).as("known service").containsKey(service);
            Path app = ROOT.resolve(service).resolve("target/quarkus-app");
            assertThat(app.resolve("quarkus-run.jar"))
                    .as("package the service first: ./mvnw -B -pl " + service + " -am package -DskipTests")
                    .exists();

            JibContainerBuilder builder = base.startsWith("tar://")
                    ? Jib.from(TarImage.at(Path.of(base.substring("tar://".length()))))
                    : Jib.from(RegistryImage.named(base));
            // Least often changing first, so that a rebuild only replaces the last layers.
            builder.addFileEntriesLayer(layer("boot-libs", app, "lib/boot"));
            builder.addFileEntriesLayer(layer("libs", app, "lib/main"));
            builder.addFileEntriesLayer(layer("quarkus", app, "quarkus-run.jar", "quarkus"));
            builder.addFileEntriesLayer(layer("app", app, "app"));
            builder.setEntrypoint(List.of(
                            "java",
                            "-XX:MaxRAMPercentage=75",
                            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                            "-jar",
                            "/deployments/quarkus-run.jar"))
                    .setWorkingDirectory(DEPLOYMENTS)
                    .setUser("185")
                    .addExposedPort(Port.tcp(PORTS.get(service)))
                    .addLabel("org.opencontainers.image.title", service)
                    .addLabel("org.opencontainers.image.version", tag);

            String name = group + "/" + service + ":" + tag;
            Path out = K8S.resolve("target/images/" + service + ".tar");
            Files.createDirectories(out.getParent());
            long start = System.nanoTime();
            JibContainer image =
                    builder.containerize(Containerizer.to(TarImage.at(out).named(name))
                            .setBaseImageLayersCache(K8S.resolve("target/jib-cache/base"))
                            .setApplicationLayersCache(K8S.resolve("target/jib-cache/app"))
                            .setToolName("audiospective-images"));
            System.out.printf(
                    "image %s -> %s: %d MiB, %s, %.1f s%n",
                    name, out, Files.size(out) >> 20, image.getImageId(), (System.nanoTime() - start) / 1e9);
            assertThat(out).isNotEmptyFile();
        }
    }

    /** One layer with the given files or directories of the fast-jar output, at the same place under /deployments. */
    static FileEntriesLayer layer(String name, Path app, String... entries) throws Exception {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
        for (String entry : entries) {
            Path source = app.resolve(entry);
            List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(source)) {
                walk.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
            for (Path file : files) {
                layer.addEntry(
                        file,
                        DEPLOYMENTS.resolve(app.relativize(file).toString().replace('\\', '/')));
            }
        }
        return layer.build();
    }
}
