package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The files under {@code deploy/} as JSON trees. YAML is read by SnakeYAML, which, like docker compose
 * and kubectl, resolves anchors, aliases and merge keys ({@code <<: *notifier}); every document of a
 * multi-document file is one tree.
 */
final class Manifests {

  static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;

  Manifests(Path root) {
    this.root = root;
  }

  /** deploy/ as the build passes it (system property deploy.dir), else ../deploy from the module. */
  static Manifests fromBuild() {
    Path dir = Path.of(System.getProperty("deploy.dir", "../deploy")).toAbsolutePath().normalize();
    assertThat(dir).as("deploy directory").isDirectory();
    return new Manifests(dir);
  }

  Path root() {
    return root;
  }

  Path path(String relative) {
    return root.resolve(relative);
  }

  /** Every YAML and JSON file under deploy/. */
  List<Path> files() {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documents of a YAML or JSON file; fails the test naming the file when it does not parse. */
  static List<JsonNode> documents(Path file) {
    try {
      if (file.toString().endsWith(".json")) {
        return List.of(JSON.readTree(file.toFile()));
      }
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      Yaml yaml = new Yaml(new SafeConstructor(options));
      List<JsonNode> docs = new ArrayList<>();
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (Object doc : yaml.loadAll(in)) {
          if (doc != null) {
            docs.add(JSON.valueToTree(doc));
          }
        }
      }
      return docs;
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(file + " does not parse: " + e.getMessage(), e);
    }
  }

  JsonNode single(String relative) {
    List<JsonNode> docs = documents(path(relative));
    assertThat(docs).as(relative).hasSize(1);
    return docs.get(0);
  }

  /** Every Kubernetes object under deploy/kubernetes. */
  List<JsonNode> kubernetesObjects() {
    try (Stream<Path> list = Files.list(path("kubernetes"))) {
      return list.filter(p -> p.toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .flatMap(p -> documents(p).stream())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The one Kubernetes object of {@code kind} named {@code name}. */
  JsonNode kubernetes(String kind, String name) {
    List<JsonNode> found = kubernetesObjects().stream()
        .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
        .toList();
    assertThat(found).as(kind + " " + name + " in deploy/kubernetes").hasSize(1);
    return found.get(0);
  }

  List<JsonNode> kubernetesOfKind(String kind) {
    return kubernetesObjects().stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  /** The container of a workload (Deployment, StatefulSet, Job) named {@code container}. */
  /** The container (or init container) named {@code container} of a workload's pod template. */
  static JsonNode container(JsonNode workload, String container) {
    JsonNode pod = workload.path("spec").path("template").path("spec");
    Optional<JsonNode> found = Stream.concat(stream(pod.path("initContainers")), stream(pod.path("containers")))
        .filter(c -> container.equals(c.path("name").asText()))
        .findFirst();
    assertThat(found).as("container " + container + " of " + workload.path("metadata").path("name").asText())
        .isPresent();
    return found.get();
  }

  static Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items.stream();
  }
}
