package dev.notifier.bench;

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
 * ({@link WorkerProcess#jvmOptions()}), at the maximum rate (8 connections, unthrottled) over the
 * delivery scenario's notifications; the child reports its peak RSS (VmHWM), peak heap and collector.
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
    DeliveryScenario.skipEarlierRetries(kafka, delivery.topics(), GROUP);
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(WorkerProcess.jvmOptions());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerProcess.class.getName(), kafka.bootstrap(), delivery.topics().prefix(), GROUP, sink.host(),
        String.valueOf(sink.port()), "8", String.valueOf(config.notifications()),
        String.valueOf(cap().toSeconds())));
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
    Report.Section s = report.section("5. Memory");
    if (result.isEmpty()) {
      s.note("the worker process reported nothing (exit " + (p.isAlive() ? "none" : p.exitValue()) + ")");
      report.target("memory", "worker RSS ≤ 256 MB at max rate, image flags, " + CONTAINER_LIMIT + " limit",
          "not measured", null);
      return;
    }
    double rssMb = Long.parseLong(result.get("vmHwmKb")) / 1024.0;
    double heapMb = Long.parseLong(result.get("heapPeakBytes")) / 1048576.0;
    double heapMaxMb = Long.parseLong(result.get("heapMaxBytes")) / 1048576.0;
    s.table(new Report.Table(null, List.of("JVM", "collector", "connections", "messages", "msg/s",
        "peak RSS MB (VmHWM)", "peak heap used MB", "heap max MB"), List.of(List.of(
        String.join(" ", WorkerProcess.jvmOptions()), result.getOrDefault("gc", "–"), "8", result.get("sent") + " of "
        + config.notifications(), result.get("rate"), Report.fmt(rssMb), Report.fmt(heapMb), Report.fmt(heapMaxMb)))));
    s.note("One SenderWorker alone in a child JVM with the image's JVM options (image/pom.xml: -XX:MaxRAMPercentage=75 "
        + "-XX:+ExitOnOutOfMemoryError) and -XX:MaxRAM=" + CONTAINER_LIMIT + " standing in for a " + CONTAINER_LIMIT
        + " container limit; the JVM picks its heap and collector itself. Unthrottled, to " + sink.kind()
        + ", for at most " + cap().toSeconds() + " s; its rate here counts committed send offsets (the child cannot "
        + "see the sink's counter).");
    s.note("-XX:MaxRAM sizes the heap as a container limit would, but the JVM still picks its collector by the "
        + "host's memory: here " + result.getOrDefault("gc", "–") + ". In a real 512 MiB container it picks the "
        + "serial collector (below 1792 MB), whose resident set is smaller: this figure is an upper bound.");
    s.data("rssMb", rssMb).data("heapPeakMb", heapMb).data("heapMaxMb", heapMaxMb).data("sent", result.get("sent"))
        .data("rate", result.get("rate"));
    report.target("memory", "worker RSS ≤ 256 MB at max rate, image flags, " + CONTAINER_LIMIT + " limit",
        Report.fmt(rssMb) + " MB peak RSS (" + result.get("rate") + " msg/s, heap peak " + Report.fmt(heapMb)
        + " of " + Report.fmt(heapMaxMb) + " MB, " + result.getOrDefault("gc", "–") + ")", rssMb <= 256);
    BenchMain.log("memory: peak RSS %.0f MB, heap peak %.0f MB at %s msg/s", rssMb, heapMb, result.get("rate"));
  }
}
