package dev.notifier.testkit;

import java.util.Map;

/**
 * Keeps what a test's child processes write to a temporary directory where the test's own JVM writes it. The build
 * runs every test JVM with {@code java.io.tmpdir} below the module's {@code target/} (the root POM's
 * {@code argLine}), so state stores, rules files and the native libraries RocksDB and LZ4 unpack go with
 * {@code mvn clean}, not into the machine's {@code /tmp}, where a CI run used to leave 89 entries, 208 MB: a JVM
 * killed with SIGKILL, as the fault-injection suite does, never deletes the 15 MB RocksDB library it unpacked.
 */
public final class ChildTemp {

  private ChildTemp() {}

  /** This JVM's temporary directory. */
  public static String dir() {
    return System.getProperty("java.io.tmpdir");
  }

  /** The option that gives a child JVM this JVM's temporary directory. */
  public static String jvmOption() {
    return "-Djava.io.tmpdir=" + dir();
  }

  /** The environment that gives any other child (a browser, a Python script) this JVM's temporary directory. */
  public static Map<String, String> environment() {
    return Map.of("TMPDIR", dir());
  }
}
