package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.cli.management.Management;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the image without a container engine: its layers are stacked into a directory and its entry
 * point is started there with {@code chroot}, as the image's user, with the image's environment, in
 * fresh mount and PID namespaces with /proc and /dev (what a container runtime gives a container).
 * This proves the FROM-scratch image is complete: the loader, the C libraries, the jlink'd runtime,
 * the JNI libraries' dependencies and the classpath. Needs root (chroot, mount namespaces); elsewhere
 * every test is skipped, saying so.
 */
class ImageRunIntegrationTest {

  @TempDir
  static Path work;
  static ImageTar image;
  static Path root;

  @BeforeAll
  static void stackLayers() throws Exception {
    assumeTrue(isRoot(), "running the image with chroot needs root (mount namespaces, chroot); not root here");
    assumeTrue(ImageConfigIntegrationTest.FROM_SCRATCH, "the image is not FROM scratch (-Djib.from.image set): "
        + "its runtime comes from the base");
    assumeTrue(onPath("chroot") && onPath("unshare") && onPath("tar"), "chroot, unshare and tar are needed");
    image = ImageTar.fromBuild(Files.createDirectories(work.resolve("tar")));
    root = Files.createDirectories(work.resolve("rootfs"));
    for (Path layer : image.layers()) {
      // as root, tar keeps the layers' modes (0755 loader, 0777 /tmp) as the runtime would
      run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", layer.toString(), "-C", root.toString()), Map.of(),
          60);
    }
    Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(root.resolve("dev"));
    Path probe = Files.createDirectories(root.resolve("probe/dev/notifier/image"));
    Path compiled = Path.of(NativeProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("dev/notifier/image");
    for (Class<?> program : List.of(NativeProbe.class, KilledAfterRocksDb.class)) {
      String file = program.getSimpleName() + ".class";
      Files.copy(compiled.resolve(file), probe.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void javaStartsAsTheImagesUser() throws Exception {
    Result result = inImage(List.of(entrypoint().get(0), "-XshowSettings:properties", "-version"));
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("version \"" + Runtime.version().feature())
        .contains("user.name = notifier").contains("java.home = /opt/java").contains("file.encoding = UTF-8");
  }

  @Test
  void entryPointWithTheDefaultArgumentsPrintsTheUsage() throws Exception {
    List<String> command = new ArrayList<>(entrypoint());
    image.containerConfig().path("Cmd").forEach(a -> command.add(a.asText()));
    Result result = inImage(command);
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("Usage: notifier").contains("streams").contains("worker");
  }

  @Test
  void workerWithoutItsConfigSaysWhichFileIsMissing() throws Exception {
    List<String> command = new ArrayList<>(entrypoint());
    command.addAll(List.of("worker", "--config", Management.CONFIG_PATH));
    Result result = inImage(command);
    assertThat(result.exit()).as(result.output()).isEqualTo(2);
    assertThat(result.output()).contains("config file " + Management.CONFIG_PATH + " does not exist");
  }

  @Test
  void jniLibrariesTlsLocalesAndTheHttpServerWorkInTheImage() throws Exception {
    String classpath = image.text("/app/jib-classpath-file").strip();
    Result result = inImage(List.of(entrypoint().get(0), "-cp", "/probe:" + classpath, NativeProbe.class.getName()));
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("probe ok");
  }

  /**
   * RocksDB unpacks its 15 MB JNI library into the temporary directory at every start, under a new name unless
   * ROCKSDB_SHAREDLIB_DIR names a directory, and only a clean exit deletes it. A streams container that the OOM
   * killer restarts again and again would fill its /tmp (an emptyDir that outlives the restarts) 15 MB a time: the
   * image sets ROCKSDB_SHAREDLIB_DIR, and every start overwrites the one copy.
   */
  @Test
  void killedStartsLeaveOneCopyOfRocksDbsLibrary() throws Exception {
    String classpath = image.text("/app/jib-classpath-file").strip();
    for (int start = 1; start <= 3; start++) {
      Result result = inImage(List.of(entrypoint().get(0), "-cp", "/probe:" + classpath,
          KilledAfterRocksDb.class.getName()));
      assertThat(result.output()).as("start %d", start).contains("rocksdb loaded");
      assertThat(result.exit()).as("start %d: %s", start, result.output()).isEqualTo(137);
    }
    try (Stream<Path> tmp = Files.list(root.resolve("tmp"))) {
      assertThat(tmp.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("librocksdbjni")).toList())
          .as("RocksDB's libraries in the image's /tmp after three killed starts").hasSize(1);
    }
  }

  private static List<String> entrypoint() {
    List<String> entrypoint = new ArrayList<>();
    image.containerConfig().path("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
    return entrypoint;
  }

  /** Runs {@code command} in the image's root as its user with its environment, like a container runtime. */
  private static Result inImage(List<String> command) throws Exception {
    JsonNode config = image.containerConfig();
    Map<String, String> env = new java.util.HashMap<>();
    config.path("Env").forEach(e -> {
      String[] kv = e.asText().split("=", 2);
      env.put(kv[0], kv[1]);
    });
    // what Docker gives an image that sets no PATH; the wrapper below needs it too
    env.putIfAbsent("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    // sh -ec SCRIPT ROOT USER COMMAND...: a private /proc and /dev, then chroot as the image's user
    List<String> wrapped = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "sh", "-ec",
        "root=\"$0\"; user=\"$1\"; shift; mount -t proc proc \"$root/proc\"; mount --rbind /dev \"$root/dev\"; "
            + "exec chroot --userspec=\"$user\" \"$root\" \"$@\"",
        root.toString(), config.path("User").asText()));
    wrapped.addAll(command);
    return run(wrapped, env, 120);
  }

  record Result(int exit, String output) {
  }

  private static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (!env.isEmpty()) {
      builder.environment().clear();
      builder.environment().putAll(env);
    }
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!done) {
      process.destroyForcibly();
    }
    assertThat(done).as(String.join(" ", command) + " finished within " + timeoutSeconds + " s").isTrue();
    Result result = new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    if (command.get(0).equals("tar")) {
      assertThat(result.exit()).as(result.output()).isZero();
    }
    return result;
  }

  private static boolean isRoot() {
    try {
      Process id = new ProcessBuilder("id", "-u").start();
      return new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0")
          && id.waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
  }
}
