package dev.notifier.bench;

import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRouter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The latency scenario's topology or worker in a JVM of its own, as each is deployed: its own heap
 * and collector, sized by the memory limit of its Kubernetes manifest, so that neither pauses the
 * other, the broker or the SMTP server. The JVM lives through the whole scenario, as a deployed one
 * lives through many hours, and runs one app at a time, as its commands ({@link ChildJvm}) say:
 * {@code topology bootstrap prefix applicationId commitMs rulesFile|-}, {@code worker bootstrap prefix
 * group smtpHost smtpPort poolSize}, or {@code stop}; each closes the app it ran before. The
 * in-process latency scenario starts its apps with the same {@link #runTopology} and
 * {@link #runWorker}, in the bench's own JVM.
 */
public final class PipelineProcess {

  /** deploy/kubernetes/streams.yaml's memory limit: the JVM picks G1 there, on two or more cores. */
  static final String TOPOLOGY_LIMIT = "2g";
  /** deploy/kubernetes/worker.yaml's memory limit: below 1792 MB the JVM picks the serial collector. */
  static final String WORKER_LIMIT = "1g";

  private PipelineProcess() {
  }

  static List<String> topologyOptions() {
    return WorkerProcess.imageOptions(TOPOLOGY_LIMIT, false);
  }

  static List<String> workerOptions() {
    return WorkerProcess.imageOptions(WORKER_LIMIT, true);
  }

  /** The rules argument that keeps the built-in rules. */
  static final String BUILT_IN_RULES = "-";

  /** The command that closes the app the child runs. */
  static final String STOP = "stop";

  static String topology(String bootstrap, String prefix, String applicationId, Duration commitInterval,
      String rules) {
    return String.join(" ", "topology", bootstrap, prefix, applicationId,
        String.valueOf(commitInterval.toMillis()), rules);
  }

  static String worker(String bootstrap, String prefix, String group, String host, int port, int poolSize) {
    return String.join(" ", "worker", bootstrap, prefix, group, host, String.valueOf(port),
        String.valueOf(poolSize));
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    AutoCloseable running = null;
    String line;
    while ((line = in.readLine()) != null) {
      if (running != null) {
        running.close();
        running = null;
      }
      String[] a = line.split(" ");
      if (a[0].equals("topology")) {
        running = runTopology(new KafkaSettings(a[1], a[2], Map.of()), a[3],
            Duration.ofMillis(Long.parseLong(a[4])), a[5]);
      } else if (a[0].equals("worker")) {
        running = runWorker(new KafkaSettings(a[1], a[2], Map.of()), a[3], a[4], Integer.parseInt(a[5]),
            Integer.parseInt(a[6]));
      } else if (!a[0].equals(STOP)) {
        System.out.println("unknown command \"" + line + "\": expected topology, worker or " + STOP);
        System.exit(2);
      }
      ChildJvm.ready();
    }
    if (running != null) {
      running.close();
    }
    System.exit(0);
  }

  /**
   * Starts a StreamsApp with the product's defaults but {@code commitInterval}, and {@code rules} (or the
   * built-in ones for {@link #BUILT_IN_RULES}); returns once it is RUNNING, as what closes it.
   */
  static AutoCloseable runTopology(KafkaSettings kafka, String applicationId, Duration commitInterval, String rules)
      throws Exception {
    StreamsSettings settings = StreamsSettings.defaults().withApplicationId(applicationId)
        .withStateDir(Files.createTempDirectory("bench-latency-").toString()).withCommitInterval(commitInterval);
    if (!rules.equals(BUILT_IN_RULES)) {
      settings = settings.withRulesFile(rules);
    }
    StreamsApp app = new StreamsApp(kafka, settings, AccountRouter.single("default"));
    app.start();
    if (!app.awaitRunning(Duration.ofSeconds(60))) {
      app.close();
      throw new IllegalStateException("the StreamsApp " + applicationId + " was not RUNNING within 60 s");
    }
    return app;
  }

  /**
   * Starts a worker with one unthrottled account of {@code poolSize} connections to {@code host:port};
   * returns once it owns send partitions, as what closes it.
   */
  static AutoCloseable runWorker(KafkaSettings kafka, String group, String host, int port, int poolSize)
      throws Exception {
    SenderWorker worker = WorkerProcess.unthrottled(kafka, group, host, port, poolSize);
    Thread poll = new Thread(worker, group + "-poll");
    poll.start();
    AutoCloseable stop = () -> {
      worker.close();
      poll.join(20_000);
    };
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (worker.ownedSendPartitions() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (worker.ownedSendPartitions() == 0) {
      stop.close();
      throw new IllegalStateException("the worker of " + group + " owned no send partition within 30 s");
    }
    return stop;
  }
}
