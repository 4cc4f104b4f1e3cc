package dev.notifier.reliability;

import dev.notifier.cli.NotifierCommand;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.ChildTemp;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
 * shutdown hook, no flush, no commit. {@link #notifierAsShipped} runs {@code notifier} as its jar
 * does, with standard output kept apart from the log.
 */
public final class ManagedProcess implements AutoCloseable {

  /** How often {@link #awaitLine} reads the log. */
  private static final Duration LOG_POLL = Duration.ofMillis(50);

  private final String name;
  private final List<String> command;
  private final Path log;
  /** Where standard output goes, apart from the log; null: into the log, with standard error. */
  private final Path stdout;
  private Process process;
  private int starts;

  ManagedProcess(String name, Path logDir, String mainClass, List<String> args) {
    this(name, logDir, Path.of(ChildTemp.dir()), List.of(), mainClass, args, false);
  }

  /** Its {@code java.io.tmpdir} is {@code tempDir}: the test's own (ChildTemp), unless a test asks for another. */
  private ManagedProcess(String name, Path logDir, Path tempDir, List<String> jvmOptions, String mainClass,
      List<String> args, boolean stdoutApart) {
    this.name = name;
    this.log = logDir.resolve(name + ".log");
    this.stdout = stdoutApart ? logDir.resolve(name + ".out") : null;
    this.command = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-Djava.io.tmpdir=" + tempDir));
    this.command.addAll(COMPILER_AND_GC);
    this.command.addAll(jvmOptions);
    this.command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    this.command.addAll(args);
  }

  /**
   * {@code notifier args} as its jar runs it: with the logging config the jar ships (logback.xml, not
   * the tests' logback-test.xml, which logs to standard output), the log (standard error) in
   * {@code <name>.log} and standard output, where a command writes its answer, in {@code <name>.out}
   * ({@link #stdout()}).
   */
  public static ManagedProcess notifierAsShipped(String name, Path logDir, String... args) {
    return notifierAsShipped(name, logDir, Path.of(ChildTemp.dir()), args);
  }

  /** As above, with {@code tempDir} for its {@code java.io.tmpdir}: a test can then see what it left there. */
  public static ManagedProcess notifierAsShipped(String name, Path logDir, Path tempDir, String... args) {
    return new ManagedProcess(name, logDir, tempDir, List.of("-Dlogback.configurationFile=logback.xml"),
        NotifierCommand.class.getName(), List.of(args), true);
  }

  /**
   * The test JVM's own {@code -XX:} flags (the build's {@code test.jvmFlags}: C1 only, the serial collector), so that
   * a child spends its CPU as the test JVM does.
   */
  private static final List<String> COMPILER_AND_GC = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
      .filter(a -> a.startsWith("-XX:")).toList();

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public ManagedProcess start() {
    try {
      Files.createDirectories(log.getParent());
      starts++;
      Files.writeString(log, "=== start " + starts + " at " + Instant.now() + " ===\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder builder = new ProcessBuilder(command);
      if (stdout == null) {
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      } else {
        builder.redirectOutput(ProcessBuilder.Redirect.to(stdout.toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      }
      process = builder.start();
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

  /**
   * Waits up to {@code timeout} for the process to end by itself and returns its exit code; fails
   * (after a SIGKILL) if it is still running then.
   */
  public int exitCode(Duration timeout) {
    if (!awaitExit(timeout)) {
      kill9();
      throw new IllegalStateException(name + " still running after " + timeout + "; see " + log);
    }
    return process.exitValue();
  }

  /** What the process wrote to standard output in its last run (with {@link #notifierAsShipped}). */
  public String stdout() {
    try {
      return Files.readString(Objects.requireNonNull(stdout, "standard output goes into the log"),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + stdout + ": " + e.getMessage(), e);
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

  /**
   * What the process printed (with {@link #notifierAsShipped}: logged) since its last start (or, once
   * stopped, in its last run).
   */
  public String currentOutput() {
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
