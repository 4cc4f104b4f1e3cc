package dev.notifier.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of this process, and of the threads of one application in it (matched by a marker in
 * the thread name: Kafka Streams and Kafka clients put the application or client id in theirs).
 * The embedded broker runs in the same process, so the per-application figure is the fair one.
 */
final class Cpu {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private Cpu() {
  }

  static long processNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** CPU time so far of the calling thread. */
  static long currentThreadNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /** CPU time so far of the live threads whose names contain {@code marker}. */
  static long threadsNanos(String marker) {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains(marker)) {
        long t = THREADS.getThreadCpuTime(info.getThreadId());
        total += Math.max(0, t);
      }
    }
    return total;
  }
}
