package dev.notifier.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the process's CPU went between two moments: the threads of the application under test
 * (its stream, producer and consumer threads: their names carry its id), the embedded broker's
 * threads (every other Java thread but the benchmark's own), the JIT compilers and the garbage
 * collector (JVM threads the thread bean does not report: read from {@code /proc/self/task} where
 * there is one), and the rest of the process (RocksDB's native threads among them). Taken at the
 * start and the end of a measured window, so start-up is excluded.
 */
final class CpuSplit {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Nanoseconds per clock tick of {@code /proc}'s times (USER_HZ, 100 on Linux). */
  private static final long TICK_NANOS = 10_000_000L;

  private final Map<Long, Long> threadNanos;
  private final Map<Long, String> names;
  private final long processNanos;
  private final long jitNanos;
  private final long gcNanos;

  private CpuSplit(Map<Long, Long> threadNanos, Map<Long, String> names, long processNanos, long[] jvm) {
    this.threadNanos = threadNanos;
    this.names = names;
    this.processNanos = processNanos;
    this.jitNanos = jvm[0];
    this.gcNanos = jvm[1];
  }

  static CpuSplit now() {
    Map<Long, Long> nanos = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null) {
        nanos.put(info.getThreadId(), Math.max(0, THREADS.getThreadCpuTime(info.getThreadId())));
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
    return new CpuSplit(nanos, names, Cpu.processNanos(), jvmThreads());
  }

  /** CPU so far of the JIT compiler threads and of the garbage collector's, from /proc; zeros elsewhere. */
  private static long[] jvmThreads() {
    return jvmThreads("self");
  }

  /** As {@link #jvmThreads()}, of the process {@code pid} ("self" for this one). */
  private static long[] jvmThreads(String pid) {
    long[] jitGc = new long[2];
    Path tasks = Path.of("/proc", pid, "task");
    if (!Files.isDirectory(tasks)) {
      return jitGc;
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
      for (Path task : dir) {
        String comm;
        String stat;
        try {
          comm = Files.readString(task.resolve("comm")).trim();
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended between the listing and the read
        }
        int slot = comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? 0
            : comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread") ? 1 : -1;
        if (slot >= 0) {
          // the fields after the command's closing parenthesis; utime and stime are the 12th and 13th of them
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          jitGc[slot] += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
        }
      }
    } catch (IOException e) {
      return new long[2];
    }
    return jitGc;
  }

  /** CPU so far of the JIT compiler threads (0 where there is no /proc). */
  static long jitNanosNow() {
    return jvmThreads()[0];
  }

  /** CPU so far of the JIT compiler threads of the JVM {@code pid} (0 where there is no /proc). */
  static long jitNanosNow(long pid) {
    return jvmThreads(String.valueOf(pid))[0];
  }

  /** CPU nanoseconds from {@code start} to this snapshot, split by whose threads spent them. */
  Delta since(CpuSplit start, String appMarker) {
    Map<String, Long> kinds = byKind(start,
        name -> name.contains(appMarker) ? APP : isBench(name) ? BENCH : BROKER);
    return new Delta(kinds.getOrDefault(APP, 0L), kinds.getOrDefault(BROKER, 0L), kinds.getOrDefault(BENCH, 0L),
        kinds.get(JIT), kinds.get(GC), kinds.get(REST));
  }

  private static final String APP = "app";
  private static final String BENCH = "bench";
  private static final String BROKER = "broker";


  /**
   * CPU nanoseconds from {@code start} to this snapshot per kind: each Java thread's under {@code kindOf} its name,
   * then {@link #JIT}, {@link #GC} and {@link #REST} as in {@link Delta} (the rest includes threads that ended
   * within the window, whose time the thread bean no longer reports).
   */
  Map<String, Long> byKind(CpuSplit start, Function<String, String> kindOf) {
    Map<String, Long> kinds = new LinkedHashMap<>();
    long java = 0;
    for (Map.Entry<Long, Long> e : threadNanos.entrySet()) {
      long d = e.getValue() - start.threadNanos.getOrDefault(e.getKey(), 0L);
      java += d;
      kinds.merge(kindOf.apply(names.get(e.getKey())), d, Long::sum);
    }
    long jit = jitNanos - start.jitNanos;
    long gc = gcNanos - start.gcNanos;
    kinds.merge(JIT, jit, Long::sum);
    kinds.merge(GC, gc, Long::sum);
    kinds.merge(REST, Math.max(0, processNanos - start.processNanos - java - jit - gc), Long::sum);
    return kinds;
  }

  static final String JIT = "JIT compilers";
  static final String GC = "garbage collector";
  static final String REST = "rest of the process";

  /** The benchmark's own threads: its main thread and the admin clients that watch progress. */
  private static boolean isBench(String name) {
    return name.equals("main") || name.startsWith("kafka-admin-client-thread | adminclient-");
  }

  /** A measured window: {@link #open} at its start (a watch's first sample), {@link #close} at its end. */
  static final class Window {

    private CpuSplit start;

    void open() {
      start = now();
    }

    /** What the window cost, split; nothing when it never opened (the run finished no event). */
    Delta close(String appMarker) {
      return start == null ? Delta.NONE : now().since(start, appMarker);
    }
  }

  /**
   * CPU nanoseconds over a window.
   *
   * @param app the application's threads
   * @param broker the embedded broker's threads
   * @param bench the benchmark's own (its main thread, the admin client watching offsets)
   * @param jit the JIT compiler threads
   * @param gc the garbage collector's threads (and the VM thread)
   * @param other the rest of the process: RocksDB's native threads, the JVM's others
   */
  record Delta(long app, long broker, long bench, long jit, long gc, long other) {

    static final Delta NONE = new Delta(0, 0, 0, 0, 0, 0);
  }
}
