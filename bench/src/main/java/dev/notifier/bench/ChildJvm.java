package dev.notifier.bench;

import dev.notifier.testkit.ChildTemp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived JVM of its own, started from the bench's classpath, that takes one command a line on
 * its standard input and prints {@value #READY} when it has carried one out; it stops when its
 * standard input closes (so also when the bench dies). Whatever else it prints goes to the bench's
 * standard error, prefixed with its name.
 */
final class ChildJvm implements AutoCloseable {

  static final String READY = "READY";

  private final String name;
  private final Process process;
  private final Writer commands;
  private final Semaphore ready = new Semaphore(0);

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread out = new Thread(this::relay, "child-" + name + "-out");
    out.setDaemon(true);
    out.start();
  }

  /** Starts {@code main} with {@code jvmOptions}; it then waits for commands. */
  static ChildJvm start(String name, List<String> jvmOptions, Class<?> main) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        ChildTemp.jvmOption()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    return new ChildJvm(name, new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  long pid() {
    return process.pid();
  }

  /** Sends one command and waits until the child has carried it out. */
  void command(String line, Duration within) throws IOException, InterruptedException {
    commands.write(line + "\n");
    commands.flush();
    long deadline = System.nanoTime() + within.toNanos();
    while (!ready.tryAcquire(200, TimeUnit.MILLISECONDS)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue() + " on \"" + line
            + "\" (its output is above)");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not carry out \"" + line + "\" within " + within.toSeconds()
            + " s");
      }
    }
  }

  /** Tells the child, once it is done with its command, that it is ready for the next. */
  static void ready() {
    System.out.println(READY);
    System.out.flush();
  }

  private void relay() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals(READY)) {
          ready.release();
        } else {
          System.err.println(name + ": " + line);
        }
      }
    } catch (IOException e) {
      // the child is gone; close() reports nothing more
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      commands.close();
    } catch (IOException e) {
      // already closed: the child has its end of input
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
