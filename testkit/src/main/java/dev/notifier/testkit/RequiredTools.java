package dev.notifier.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Programs of the machine's that a test needs (Chromium, promtool, podman, Python's Kafka libraries): without
 * one, the test is skipped on a laptop, saying what to install, and fails where {@value #REQUIRE_ENV} is set, as
 * {@code .ci/run} sets it, so that CI never passes by skipping what it was meant to run.
 *
 * <p>JUnit is an optional dependency of the testkit, as Awaitility is: only tests call this, and the CLI's image
 * (which runs the testkit's broker for its demo) stays without it.
 */
public final class RequiredTools {

  /** Set (to anything) where every tool must be there: a missing one fails the test rather than skipping it. */
  public static final String REQUIRE_ENV = "NOTIFIER_REQUIRE_TOOLS";

  private RequiredTools() {
  }

  /** Skips the test with {@code whatToInstall} unless {@code available}, or fails it where tools are required. */
  public static void require(boolean available, String whatToInstall) {
    require(available, whatToInstall, System.getenv(REQUIRE_ENV) != null);
  }

  /** As {@link #require(boolean, String)}, with whether tools are required given. */
  public static void require(boolean available, String whatToInstall, boolean required) {
    if (available) {
      return;
    }
    if (required) {
      Assertions.fail(whatToInstall + " (" + REQUIRE_ENV + " is set: this test may not be skipped)");
    }
    Assumptions.abort(whatToInstall);
  }

  /** Whether {@code command} runs and exits 0 within {@code timeout} (its output is discarded). */
  public static boolean runs(Duration timeout, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
