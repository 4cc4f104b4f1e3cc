package dev.notifier.reliability;

import dev.notifier.testkit.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process under test: a real OS process running one of notifier's entry points (or the broker)
 * on the test's class path, with its output in a log file. {@link #kill9()} is a real SIGKILL: no
 * shutdown hook, no flush, no commit.
 */
final class ManagedProcess implements AutoCloseable {

  /** How often {@link #awaitLine} reads the log. */
  private static final Duration LOG_POLL = Duration.ofMillis(50);

  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;
  private int starts;

  ManagedProcess(String name, Path logDir, String mainClass, List<String> args) {
    this.name = name;
    this.log = logDir.resolve(name + ".log");
    this.command = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        mainClass));
    this.command.addAll(args);
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  ManagedProcess start() {
    try {
      Files.createDirectories(log.getParent());
      starts++;
      Files.writeString(log, "=== start " + starts + " at " + Instant.now() + " ===\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      return this;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the log (since the last start) has a line matching {@code pattern}; the match (its
   * first group, if it has one). Fails at once if the process exits first.
   */
  String awaitLine(Pattern pattern, Duration timeout) {
    Matcher match = Await.forValue(timeout, name + " printing " + pattern + " (see " + log + ")", () -> {
      Matcher m = pattern.matcher(currentRun());
      if (m.find()) {
        return m;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before printing "
            + pattern + "; see " + log);
      }
      return null;
    }, Objects::nonNull, LOG_POLL);
    return match.group(match.groupCount() > 0 ? 1 : 0);
  }

  private String currentRun() {
    try {
      String all = Files.readString(log, StandardCharsets.UTF_8);
      int at = all.lastIndexOf("=== start " + starts + " at");
      return at < 0 ? all : all.substring(at);
    } catch (IOException e) {
      return "";
    }
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill9() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /** SIGTERM (shutdown hooks run), and waits up to {@code timeout} for the exit. */
  boolean terminate(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  Path log() {
    return log;
  }

  String name() {
    return name;
  }

  /** What the process printed since its last start (or, once stopped, in its last run). */
  String currentOutput() {
    return currentRun();
  }

  /** Everything the process printed, over all its starts. */
  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + log + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (isAlive()) {
      if (!terminate(Duration.ofSeconds(20))) {
        kill9();
      }
    }
  }
}
