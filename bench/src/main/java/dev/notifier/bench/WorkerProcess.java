package dev.notifier.bench;

import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One sender worker alone in a JVM, for the memory scenario: delivers {@code count} notifications
 * as fast as the sink takes them (or until the cap), then prints one line,
 * {@code RESULT sent=… rate=… vmHwmKb=… heapPeakBytes=… heapMaxBytes=… gc=… gcShare=…
 * oldCollections=…}, read by the parent.
 *
 * <p>Arguments: bootstrap, topic prefix, group, SMTP host, SMTP port, pool size, count, cap seconds.
 */
public final class WorkerProcess {

  private WorkerProcess() {
  }

  /**
   * The image's own JVM options (image/pom.xml's entrypoint: {@code -XX:MaxRAMPercentage=75
   * -XX:+ExitOnOutOfMemoryError}), in a container of {@link MemoryScenario#CONTAINER_LIMIT} emulated
   * by {@code -XX:MaxRAM} (the memory the JVM sizes itself by, as it would read the container's
   * limit), plus BENCH_WORKER_JAVA_OPTS for experiments. No bench-only heap flags: the JVM sizes its
   * heap as it would in the container. It picks its collector by the memory it sees, though, not by
   * MaxRAM: with {@code containerCollector} the options add {@code -XX:+UseSerialGC}, the JVM's own
   * choice below 1792 MB (as in a 512 MiB container); without, it picks as on this host.
   */
  static List<String> jvmOptions(boolean containerCollector) {
    return imageOptions(MemoryScenario.CONTAINER_LIMIT, containerCollector);
  }

  /**
   * A worker in {@code group} (its id {@code group-1}) with one unthrottled account of {@code poolSize} connections
   * to {@code host:port}; the caller runs and closes it.
   */
  static SenderWorker unthrottled(KafkaSettings kafka, String group, String host, int port, int poolSize) {
    AccountSettings account = AccountSettings.local(DeliveryScenario.ACCOUNT, host, port, MailContent.FROM)
        .withPoolSize(poolSize).withLimits(DeliveryScenario.UNTHROTTLED);
    return new SenderWorker(WorkerContext.builder(kafka,
        new WorkerSettings(group, group + "-1", null, List.of(account))).build());
  }

  /**
   * The image's JVM options in a container of {@code limit} (as {@code -XX:MaxRAM}), with
   * {@code -XX:+UseSerialGC} where {@code serial}, plus BENCH_WORKER_JAVA_OPTS.
   */
  static List<String> imageOptions(String limit, boolean serial) {
    List<String> options = new java.util.ArrayList<>(List.of("-XX:MaxRAM=" + limit,
        "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError"));
    if (serial) {
      options.add("-XX:+UseSerialGC");
    }
    String extra = System.getenv("BENCH_WORKER_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      options.addAll(List.of(extra.trim().split("\\s+")));
    }
    return options;
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String prefix = args[1];
    String group = args[2];
    long count = Long.parseLong(args[6]);
    Duration cap = Duration.ofSeconds(Long.parseLong(args[7]));
    KafkaSettings settings = new KafkaSettings(bootstrap, prefix, Map.of());
    SenderWorker worker = unthrottled(settings, group, args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
    Thread poll = new Thread(worker, group + "-poll");
    long[] gcAtStart = gcTotals();
    long startNanos = System.nanoTime();
    poll.start();
    BenchKafka.Progress progress;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      progress = BenchKafka.watch(() -> BenchKafka.committed(admin, group, settings.topics().send().name()), count,
          cap);
    } finally {
      worker.close();
      poll.join(20_000);
    }
    long[] gcAtEnd = gcTotals();
    double gcShare = (gcAtEnd[0] - gcAtStart[0]) / ((System.nanoTime() - startNanos) / 1e6);
    long heapPeak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        heapPeak += pool.getPeakUsage().getUsed();
      }
    }
    String gc = String.join("+", ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(b -> b.getName().replace(' ', '_')).toList());
    System.out.printf("RESULT sent=%d rate=%.1f vmHwmKb=%d heapPeakBytes=%d heapMaxBytes=%d gc=%s gcShare=%.3f "
        + "oldCollections=%d%n", progress.done(), progress.rate(), vmHwmKb(), heapPeak,
        Runtime.getRuntime().maxMemory(), gc, gcShare, gcAtEnd[1] - gcAtStart[1]);
    System.out.flush();
    System.exit(0);
  }

  /**
   * Milliseconds all the collectors have spent so far, and how many full collections they have made
   * (the serial collector's MarkSweepCompact, G1's Old Generation).
   */
  static long[] gcTotals() {
    long millis = 0;
    long old = 0;
    for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      millis += Math.max(0, bean.getCollectionTime());
      if (bean.getName().equals("MarkSweepCompact") || bean.getName().equals("G1 Old Generation")) {
        old += Math.max(0, bean.getCollectionCount());
      }
    }
    return new long[] {millis, old};
  }

  /** Peak resident set size of this process (VmHWM in /proc/self/status), -1 where there is none. */
  static long vmHwmKb() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
