package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.cli.management.Management;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image Jib built (image/target/jib-image.tar), read as a container runtime reads it: its
 * config (entry point, user, port, working directory, environment) and the files of its layers
 * agree with the production contract ({@link Management}) and can run as a non-root user.
 */
class ImageConfigIntegrationTest {

  static final String IMAGE = System.getProperty("image.name", "notifier:0.1.0-SNAPSHOT");
  /** The uid:gid the image runs as; the Kubernetes manifests' runAsUser. */
  static final String USER = "10001:10001";
  static final boolean FROM_SCRATCH = "scratch".equals(System.getProperty("image.from", "scratch"));

  @TempDir
  static Path work;
  static ImageTar image;

  @BeforeAll
  static void unpack() {
    image = ImageTar.fromBuild(work);
  }

  @Test
  void isTaggedWithTheNameTheManifestsUse() {
    assertThat(texts(image.manifest().path("RepoTags"))).containsExactly(IMAGE);
    assertThat(image.config().path("os").asText()).isEqualTo("linux");
  }

  @Test
  void entryPointRunsTheNotifierCommandWithTheImagesClasspath() {
    JsonNode config = image.containerConfig();
    List<String> entrypoint = texts(config.path("Entrypoint"));
    assertThat(entrypoint).as("Entrypoint").endsWith("-cp", "@/app/jib-classpath-file", Management.MAIN_CLASS);
    assertThat(entrypoint.get(0)).as("the java launcher").isEqualTo(FROM_SCRATCH ? "/opt/java/bin/java" : "java");
    assertThat(texts(config.path("Cmd"))).as("default arguments: the usage, no role").containsExactly("--help");

    Map<String, ImageTar.Entry> files = image.files();
    assertThat(image.text("/app/jib-main-class-file").strip()).isEqualTo(Management.MAIN_CLASS);
    String classpath = image.text("/app/jib-classpath-file").strip();
    for (String element : classpath.split(":")) {
      String path = element.substring(1).replaceAll("/\\*$", ""); // a directory of jars: /app/classpath/*
      assertThat(files).as("classpath element " + element + " is in the image").containsKey(path);
    }
    assertThat(classpath).as("the notifier's own code and its clients").contains("/app/libs/notifier-cli-")
        .contains("kafka-streams-").contains("angus-mail-").contains("jackson-dataformat-yaml-").contains("picocli-")
        .contains("logback-classic-").contains("rocksdbjni-");
  }

  @Test
  void exposesTheManagementPortAndHasTheStateAndConfigDirectories() {
    JsonNode config = image.containerConfig();
    assertThat(fieldNames(config.path("ExposedPorts"))).containsExactly(Management.DEFAULT_PORT + "/tcp");
    assertThat(fieldNames(config.path("Volumes"))).as("no anonymous volume per container").isEmpty();
    assertThat(config.path("WorkingDir").asText()).isEqualTo("/var/lib/notifier");
    assertThat(image.files()).containsKeys("var/lib/notifier/streams", "etc/notifier");
  }

  @Test
  void environmentSelectsTextLogsAtInfoAndUtf8() {
    List<String> env = texts(image.containerConfig().path("Env"));
    assertThat(env).contains(Management.LOG_FORMAT_ENV + "=text", Management.LOG_LEVEL_ENV + "=INFO",
        "LANG=C.UTF-8");
    // RocksDB's JNI library under one name in /tmp, overwritten at each start (ImageRunIntegrationTest kills three)
    assertThat(env).contains("ROCKSDB_SHAREDLIB_DIR=/tmp");
  }

  @Test
  void runsAsTheUnprivilegedUserNotifier() {
    assertThat(image.containerConfig().path("User").asText()).isEqualTo(USER);
    if (FROM_SCRATCH) {
      assertThat(image.text("/etc/passwd")).contains("notifier:x:10001:10001:");
      assertThat(image.text("/etc/group")).contains("notifier:x:10001:");
    }
  }

  @Test
  void fromScratchCarriesARunnableJavaRuntimeAndItsLibraries() {
    org.junit.jupiter.api.Assumptions.assumeTrue(FROM_SCRATCH, "the base image brings the runtime");
    Map<String, ImageTar.Entry> files = image.files();
    assertThat(files.get("opt/java/bin/java").mode()).as("java is executable").isEqualTo(0755);
    assertThat(files).as("the jlink'd runtime").containsKeys("opt/java/lib/modules", "opt/java/lib/server/libjvm.so",
        "opt/java/lib/security/cacerts", "usr/lib/locale/C.utf8/LC_CTYPE");
    ImageTar.Entry loader = files.values().stream().filter(e -> e.path().matches("lib64/ld-linux-.*\\.so\\.2"))
        .findFirst().orElseThrow(() -> new AssertionError("no dynamic loader in /lib64"));
    assertThat(loader.mode()).as("the kernel maps the ELF interpreter only if executable").isEqualTo(0755);
    assertThat(loader.symlink()).isFalse();
    assertThat(files.keySet()).as("the C and C++ runtimes RocksDB's JNI library links against")
        .anyMatch(p -> p.matches("(usr/)?lib/.*/libc\\.so\\.6")).anyMatch(p -> p.matches("(usr/)?lib/.*/libstdc\\+\\+\\.so\\.6"));
    assertThat(files.get("tmp").directory()).isTrue();
    assertThat(files.get("tmp").mode()).as("/tmp writable by the user (JNI libraries unpack there)").isEqualTo(0777);
    assertThat(files.get("var/lib/notifier/streams").mode()).isEqualTo(0777);
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
