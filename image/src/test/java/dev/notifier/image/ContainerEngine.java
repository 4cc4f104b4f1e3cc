package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.notifier.testkit.RequiredTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The container engine the container tests run on: Docker, or podman's Docker-compatible API
 * ({@code podman system service}, which .ci/run starts and points {@code DOCKER_HOST} at, with
 * {@code TESTCONTAINERS_RYUK_DISABLED=true}). Without an engine a test is skipped, saying how to get one, unless
 * {@code NOTIFIER_REQUIRE_TOOLS} is set (CI): then it fails. Also loads the images the build wrote, runs one-shot
 * commands in containers, and finds the ERROR lines of a container's log.
 */
final class ContainerEngine {

  static final String IMAGE = System.getProperty("image.name", "notifier:0.1.0-SNAPSHOT");
  static final String KAFKA_IMAGE = System.getProperty("kafka.image.name", "notifier-kafka:4.4.0");
  /** The launcher and class path of the images (Jib's), for the testkit's mains run from the notifier image. */
  static final List<String> JAVA = List.of("/opt/java/bin/java", "-cp", "@/app/jib-classpath-file");
  static final long MIB = 1024L * 1024;

  /** A log line at ERROR level (the images' text format: {@code 13:53:53.388 ERROR [main] ...}), or a JVM crash. */
  private static final Pattern ERROR_LINE = Pattern.compile("^(\\S+ ERROR |Exception in thread ).*");

  private static boolean loaded;

  private ContainerEngine() {
  }

  /** Skips the test (fails it with NOTIFIER_REQUIRE_TOOLS set) unless an engine answers; loads the images once. */
  static void require() {
    boolean available = DockerClientFactory.instance().isDockerAvailable();
    String message = "no container engine answers (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + "): install podman, "
        + "start `podman system service unix:///run/podman/podman.sock` and set DOCKER_HOST to it with "
        + "TESTCONTAINERS_RYUK_DISABLED=true, as .ci/run does; or run Docker";
    RequiredTools.require(available, message);
    loadImages();
  }

  /** Loads the tarballs Jib wrote (the notifier and the broker image) into the engine, once per test JVM. */
  private static synchronized void loadImages() {
    if (loaded) {
      return;
    }
    DockerClient client = DockerClientFactory.instance().client();
    for (String property : List.of("image.tar", "kafka.image.tar")) {
      Path tar = Path.of(System.getProperty(property, "target/jib-image.tar"));
      assertThat(tar).as(property + ": build it with ./mvnw -pl image -am package").isRegularFile();
      try (InputStream in = Files.newInputStream(tar)) {
        client.loadImageCmd(in).exec();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load " + tar, e);
      }
    }
    loaded = true;
  }

  /** A container of {@code image} with a memory limit: the images' heap is 75% of it. */
  static GenericContainer<?> container(String image, long memoryMib) {
    return new GenericContainer<>(DockerImageName.parse(image))
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withMemory(memoryMib * MIB));
  }

  /** What a one-shot container printed (stdout and stderr) and its exit code. */
  record Run(long exitCode, String output) {

    /** Its ERROR lines (or a crash's); none is expected of a command that worked. */
    List<String> errorLines() {
      return ContainerEngine.errorLines(output);
    }
  }

  /**
   * Runs {@code command} in a new container of the notifier image (on {@code network} when not null, with
   * {@code files} copied in) until it exits, at most {@code timeout}; the container is removed afterwards.
   */
  static Run run(Network network, Map<String, String> files, Duration timeout, long memoryMib, String... command) {
    try (GenericContainer<?> container = container(IMAGE, memoryMib).withCommand(command)
        .withStartupCheckStrategy(new Exited().withTimeout(timeout))) {
      if (network != null) {
        container.withNetwork(network);
      }
      files.forEach((path, content) -> container.withCopyToContainer(Transferable.of(content), path));
      container.start();
      Long exit = container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec().getState()
          .getExitCodeLong();
      return new Run(exit == null ? -1 : exit, container.getLogs());
    }
  }

  static List<String> errorLines(String log) {
    return log.lines().filter(l -> ERROR_LINE.matcher(l).matches()).toList();
  }

  /** Started once the container has exited, whatever its exit code (the caller asserts on it with the output). */
  private static final class Exited extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient client, String containerId) {
      return Boolean.TRUE.equals(getCurrentState(client, containerId).getRunning()) ? StartupStatus.NOT_YET_KNOWN
          : StartupStatus.SUCCESSFUL;
    }
  }
}
