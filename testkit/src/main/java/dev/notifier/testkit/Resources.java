package dev.notifier.testkit;

import java.util.concurrent.ExecutorService;

/** Closing what a test class started, in the order given, whatever is null or fails to close. */
public final class Resources {

  private Resources() {
  }

  /**
   * Closes each of {@code resources} in order, skipping nulls; a close that fails does not keep the
   * rest open: the first failure is thrown at the end, the others added to it as suppressed.
   */
  public static void closeInOrder(AutoCloseable... resources) {
    RuntimeException failure = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing " + resource + " failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** {@code pool} as a resource whose close interrupts its tasks; null for a null pool. */
  public static AutoCloseable stopping(ExecutorService pool) {
    return pool == null ? null : pool::shutdownNow;
  }
}
