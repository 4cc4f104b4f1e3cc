package dev.notifier.bench;

import dev.notifier.testkit.ChildTemp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 5: one worker alone in a child JVM (so its resident set is its own, not the broker's),
 * with the container image's JVM options under an emulated 512 MiB container limit
 * ({@link WorkerProcess#jvmOptions(boolean)}), at the maximum rate (8 connections, unthrottled) over
 * the delivery scenario's notifications; the child reports its peak RSS (VmHWM), peak heap and
 * collector. Twice: with the collector the JVM would pick in that container (serial), which the
 * target reads, and with the one it picks on this larger host.
 */
final class MemoryScenario {

  /** The container memory limit the worker's JVM sizes itself by ({@code -XX:MaxRAM}). */
  static final String CONTAINER_LIMIT = "512m";
  static final String GROUP = "bench-memory";

  /** How long the worker runs at most: long enough for its heap and resident set to settle at full rate. */
  Duration cap() {
    return config.quick() ? config.deliveryCap() : Duration.ofSeconds(20);
  }

  private final BenchKafka kafka;
  private final BenchConfig config;
  private final Report report;

  MemoryScenario(BenchKafka kafka, BenchConfig config, Report report) {
    this.kafka = kafka;
    this.config = config;
    this.report = report;
  }

  void run(DeliveryScenario delivery, Sink sink) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    Report.Section s = report.section("5. Memory");
    for (boolean container : List.of(true, false)) {
      String group = GROUP + (container ? "-serial" : "-host");
      Map<String, String> result = child(delivery, sink, group, WorkerProcess.jvmOptions(container));
      String what = container ? "as in a " + CONTAINER_LIMIT + " container (the JVM's choice there)"
          : "as the JVM chooses on this host";
      if (result.isEmpty()) {
        s.note("the worker process (" + what + ") reported nothing");
        rows.add(List.of(what, "–", "–", "–", "–", "–", "–", "–", "–", "–"));
        if (container) {
          report.target("memory", TARGET, "not measured", null);
        }
        continue;
      }
      double rssMb = Long.parseLong(result.get("vmHwmKb")) / 1024.0;
      double heapMb = Long.parseLong(result.get("heapPeakBytes")) / 1048576.0;
      double heapMaxMb = Long.parseLong(result.get("heapMaxBytes")) / 1048576.0;
      String gc = result.getOrDefault("gc", "–");
      rows.add(List.of(what, String.join(" ", WorkerProcess.jvmOptions(container)), gc, result.get("sent") + " of "
          + config.notifications(), result.get("rate"), Report.fmt(rssMb), Report.fmt(heapMb), Report.fmt(heapMaxMb),
          Report.fmt(100 * Double.parseDouble(result.get("gcShare"))) + " %", result.get("oldCollections")));
      s.data(container ? "container" : "host", Map.of("rssMb", rssMb, "heapPeakMb", heapMb, "heapMaxMb", heapMaxMb,
          "sent", result.get("sent"), "rate", result.get("rate"), "gc", gc, "gcShare",
          Double.parseDouble(result.get("gcShare")), "fullCollections", Long.parseLong(result.get("oldCollections"))));
      String measured = Report.fmt(rssMb) + " MB peak RSS (" + result.get("rate") + " msg/s, heap peak "
          + Report.fmt(heapMb) + " of " + Report.fmt(heapMaxMb) + " MB, " + gc + "; paused "
          + Report.fmt(100 * Double.parseDouble(result.get("gcShare"))) + " % of the run, "
          + result.get("oldCollections") + " full collections)";
      report.target("memory", container ? TARGET : "worker RSS, image flags, " + CONTAINER_LIMIT
          + " MaxRAM, the collector the JVM picks on this host (reported)", measured, container ? rssMb <= 256 : null);
      BenchMain.log("memory (%s): peak RSS %.0f MB, heap peak %.0f MB at %s msg/s, %s", what, rssMb, heapMb,
          result.get("rate"), gc);
    }
    s.table(new Report.Table(null, List.of("collector chosen", "JVM options", "collector", "messages", "msg/s",
        "peak RSS MB (VmHWM)", "peak heap used MB", "heap max MB", "GC pauses, share of the run",
        "full collections"), rows));
    double allocated = MessageAllocation.bytesPerMessage();
    s.data("allocation", Map.of("bytesPerMessage", allocated));
    report.target("memory", "heap allocated per message, built by the worker's MessageFactory and written as on the wire "
        + "(reported)", Report.fmt(allocated / 1024) + " KB", null);
    BenchMain.log("memory: %.1f KB allocated per message built and written", allocated / 1024);
    s.note("One SenderWorker alone in a child JVM with the image's JVM options (image/pom.xml: -XX:MaxRAMPercentage=75 "
        + "-XX:+ExitOnOutOfMemoryError) and -XX:MaxRAM=" + CONTAINER_LIMIT + " standing in for a " + CONTAINER_LIMIT
        + " container limit, so the JVM sizes its heap itself (75 % of it). Unthrottled, 8 connections, to "
        + sink.kind() + ", for at most " + cap().toSeconds() + " s; the rate counts committed send offsets (the child "
        + "cannot see the sink's counter).");
    s.note("-XX:MaxRAM sizes the heap as the container limit would, but the JVM picks its collector by the memory it "
        + "sees: in a 512 MiB container that is below 1792 MB, so it picks the serial collector; on this host it "
        + "picks G1. The first row adds -XX:+UseSerialGC to stand for that choice and is the one the target reads; "
        + "the second shows the host's choice.");
  }

  static final String TARGET = "worker RSS ≤ 256 MB at max rate, image flags, " + CONTAINER_LIMIT + " limit";

  /** Runs the worker in a child JVM with {@code jvmOptions}; returns its RESULT line's fields (empty if none). */
  private Map<String, String> child(DeliveryScenario delivery, Sink sink, String group, List<String> jvmOptions)
      throws Exception {
    DeliveryScenario.skipEarlierRetries(kafka, delivery.topics(), group);
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, ChildTemp.jvmOption()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerProcess.class.getName(),
        kafka.bootstrap(), delivery.topics().prefix(), group, sink.host(), String.valueOf(sink.port()), "8",
        String.valueOf(config.notifications()), String.valueOf(cap().toSeconds())));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    Map<String, String> result = new HashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.startsWith("RESULT ")) {
          // the worker logs warnings only (the bench's logback); they belong in the run's output
          System.err.println("memory worker: " + line);
        } else {
          for (String kv : line.substring(7).split(" ")) {
            String[] parts = kv.split("=", 2);
            result.put(parts[0], parts[1]);
          }
        }
      }
    }
    if (!p.waitFor(cap().toSeconds() + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return result;
  }
}
