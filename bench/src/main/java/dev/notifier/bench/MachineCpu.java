package dev.notifier.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the machine's CPU went over a window of the in-process latency scenario, by part of the pipeline: the
 * topology, the worker, the broker, the SMTP server and the load (the bench's producer and watches), each told by
 * its threads' names, then the JIT compilers, the garbage collector and the rest of the process.
 *
 * @param nanos CPU nanoseconds by part, every one of {@link #PARTS}
 * @param wallNanos how long the window was
 * @param notifications the notifications delivered in it
 */
record MachineCpu(Map<String, Long> nanos, long wallNanos, int notifications) {

  static final String TOPOLOGY = "topology";
  static final String WORKER = "worker";
  static final String BROKER = "broker";
  static final String SMTP = "SMTP server";
  static final String LOAD = "load and watch";
  static final List<String> PARTS = List.of(TOPOLOGY, WORKER, BROKER, SMTP, LOAD, CpuSplit.JIT, CpuSplit.GC,
      CpuSplit.REST);

  /** The prefix of every latency run's application id; its workers' groups go on with {@link #WORKER_MARK}. */
  static final String APP_MARK = "bench-latency-";
  static final String WORKER_MARK = APP_MARK + "senders-";

  /** Client id of the scenario's upstream producer, so that its network thread counts as load. */
  static final String UPSTREAM_CLIENT = "bench-upstream";

  MachineCpu {
    for (String part : nanos.keySet()) {
      if (!PARTS.contains(part)) {
        throw new IllegalArgumentException("not a part: " + part);
      }
    }
    Map<String, Long> all = new LinkedHashMap<>();
    for (String part : PARTS) {
      all.put(part, nanos.getOrDefault(part, 0L));
    }
    nanos = Map.copyOf(all);
  }

  /** The part of the pipeline a Java thread of the bench's JVM works for, by its name. */
  static String partOf(String thread) {
    if (thread.contains(WORKER_MARK)) {
      return WORKER;
    }
    if (thread.contains(APP_MARK)) {
      return TOPOLOGY;
    }
    if (thread.startsWith("smtp-")) {
      return SMTP;
    }
    if (thread.equals("main") || thread.startsWith("bench-") || thread.contains("| " + UPSTREAM_CLIENT)
        || thread.startsWith("kafka-admin-client-thread")) {
      return LOAD;
    }
    return BROKER;
  }

  /** Cores the whole process used on average over the window. */
  double cores() {
    return totalNanos() / (double) wallNanos;
  }

  /** CPU milliseconds of {@code part} per delivered notification. */
  double msPerNotification(String part) {
    return notifications == 0 ? Double.NaN : nanos.get(part) / 1e6 / notifications;
  }

  /** CPU milliseconds of the whole process per delivered notification. */
  double msPerNotification() {
    return notifications == 0 ? Double.NaN : totalNanos() / 1e6 / notifications;
  }

  /** CPU nanoseconds of the whole process over the window: every part's. */
  private long totalNanos() {
    return nanos.values().stream().mapToLong(Long::longValue).sum();
  }

  /** A window opened now: {@link #close} it when it ends. */
  static Window open() {
    return new Window(CpuSplit.now(), System.nanoTime());
  }

  /** An open window. */
  record Window(CpuSplit start, long startNanos) {

    MachineCpu close(int notifications) {
      return new MachineCpu(CpuSplit.now().byKind(start, MachineCpu::partOf), System.nanoTime() - startNanos,
          notifications);
    }
  }
}
