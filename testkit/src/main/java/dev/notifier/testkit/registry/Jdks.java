package dev.notifier.testkit.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a {@code java} launcher of at least a given feature release, for a peer that needs a newer JDK
 * than the build's (Apicurio Registry 3 needs 21): the one a system property or environment variable
 * names, the running JVM, {@code JAVA_HOME}, then the JDKs under {@code /usr/lib/jvm} (their
 * {@code release} files), newest first.
 */
final class Jdks {

  private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

  private Jdks() {
  }

  /** A {@code bin/java} of release {@code feature} or newer, if this machine has one. */
  static Optional<Path> atLeast(int feature, String property, String env) {
    List<Path> homes = new ArrayList<>();
    named(System.getProperty(property)).ifPresent(homes::add);
    named(System.getenv(env)).ifPresent(homes::add);
    homes.add(Path.of(System.getProperty("java.home")));
    named(System.getenv("JAVA_HOME")).ifPresent(homes::add);
    homes.addAll(installed());
    return homes.stream().filter(h -> release(h) >= feature).map(h -> h.resolve("bin/java"))
        .filter(Files::isExecutable).findFirst();
  }

  private static Optional<Path> named(String home) {
    return home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home));
  }

  private static List<Path> installed() {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return List.of();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes.filter(Files::isDirectory).sorted((a, b) -> Integer.compare(release(b), release(a))).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The feature release a JDK's {@code release} file states, or 0. */
  static int release(Path home) {
    try {
      Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
