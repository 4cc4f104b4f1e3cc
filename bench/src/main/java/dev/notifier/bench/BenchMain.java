package dev.notifier.bench;

import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench/run [--quick] [--events N] [--notifications M] [--sink auto|postfix|testkit]
 * [--repetitions N] [--out DIR] [scenario…]}: starts an embedded broker on 127.0.0.1, runs the chosen scenarios
 * (topology, delivery, throttle, latency, memory; all by default; and latency-deployed, only when named) and
 * writes the report.
 */
public final class BenchMain {

  private static final long START = System.nanoTime();

  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("redraw")) {
      System.exit(redraw(args));
      return;
    }
    if (args.length > 0 && args[0].equals("readme")) {
      System.exit(readme(args));
      return;
    }
    BenchConfig config;
    try {
      config = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    try {
      List<Path> files = new BenchMain.Run(config).call();
      log("done in %.0f s; wrote %s", (System.nanoTime() - START) / 1e9, files);
      System.exit(0);
    } catch (Exception | Error e) {
      // the embedded broker's threads would keep a failed run's JVM alive, and busy, under the next run
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** {@code redraw DIR…}: draws each report's charts again from its report.json, with no broker and no run. */
  static int redraw(String[] args) {
    if (args.length < 2) {
      System.err.println("bench: redraw needs the directory of a report (the one holding report.json), "
          + "e.g. bench/run redraw bench/results");
      return 2;
    }
    for (int i = 1; i < args.length; i++) {
      Path dir = Path.of(args[i]);
      try {
        System.out.println("bench: redrew " + ReportCharts.redraw(dir));
      } catch (IOException e) {
        System.err.println("bench: cannot redraw the charts of " + dir + ": " + e.getMessage());
        return 1;
      }
    }
    return 0;
  }

  /** {@code readme [DIR]}: writes the targets of DIR/report.json (bench/results by default) into README.md's table. */
  static int readme(String[] args) {
    Path report = Path.of(args.length > 1 ? args[1] : "bench/results").resolve("report.json");
    Path readme = Path.of("README.md");
    try {
      boolean changed = ReadmeTargets.write(readme, report);
      System.out.println("bench: " + readme + (changed ? ": targets table written from " : ": targets table already that of ")
          + report);
      return 0;
    } catch (IOException | IllegalStateException e) {
      System.err.println("bench: cannot write the targets of " + report + " into " + readme + ": " + e.getMessage());
      return 1;
    }
  }

  static String usage() {
    return "usage: bench/run [--quick] [--events N] [--notifications M] [--sink auto|postfix|testkit] "
        + "[--throttle-rate R] [--throttle-burst B] [--topology-cap S] [--delivery-cap S] [--repetitions N] [--out DIR] "
        + "[topology|delivery|throttle|latency|memory|latency-deployed|latency-light|topology-shape|quota-start ...]\n"
        + "       bench/run redraw DIR...  (draws a report's charts again from DIR/report.json)\n"
        + "       bench/run readme [DIR]   (writes DIR/report.json's targets into README.md; DIR: bench/results)";
  }

  static BenchConfig parse(String[] args) {
    BenchConfig config = List.of(args).contains("--quick") ? BenchConfig.quickDefaults() : BenchConfig.defaults();
    List<String> scenarios = new ArrayList<>();
    double rate = config.throttleRate();
    int burst = config.throttleBurst();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> { }
        case "--events" -> config = config.withEvents(positive(a, value(args, ++i)));
        case "--notifications" -> config = config.withNotifications(positive(a, value(args, ++i)));
        case "--sink" -> config = config.withSink(oneOf(a, value(args, ++i), List.of("auto", "postfix", "testkit")));
        case "--repetitions" -> config = config.withRepetitions(positive(a, value(args, ++i)));
        case "--out" -> config = config.withOut(Path.of(value(args, ++i)));
        case "--throttle-rate" -> rate = positive(a, value(args, ++i));
        case "--throttle-burst" -> burst = positive(a, value(args, ++i));
        case "--topology-cap" -> config = config.withCaps(Duration.ofSeconds(positive(a, value(args, ++i))),
            config.deliveryCap());
        case "--delivery-cap" -> config = config.withCaps(config.topologyCap(),
            Duration.ofSeconds(positive(a, value(args, ++i))));
        case "-h", "--help" -> throw new IllegalArgumentException("help");
        default -> {
          if (a.startsWith("-")) {
            throw new IllegalArgumentException("unknown option " + a);
          }
          scenarios.add(oneOf("scenario", a.toLowerCase(Locale.ROOT), BenchConfig.NAMED));
        }
      }
    }
    config = config.withThrottle(rate, burst);
    return scenarios.isEmpty() ? config : config.withScenarios(scenarios);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value.replace("_", "").replace("k", "000"));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " is '" + value + "': give a positive whole number");
  }

  private static String oneOf(String option, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(option + " is '" + value + "': use one of " + allowed);
    }
    return value;
  }

  static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[bench %5.1fs] " + format + "%n",
        concat((System.nanoTime() - START) / 1e9, args));
  }

  private static Object[] concat(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /** One benchmark run: broker up, scenarios in order, report written. */
  static final class Run {
    private final BenchConfig config;
    private final Report report = new Report();

    Run(BenchConfig config) {
      this.config = config;
    }

    List<Path> call() throws Exception {
      environment();
      log("scenarios %s, %d events, %d notifications%s", config.scenarios(), config.events(),
          config.notifications(), config.quick() ? " (quick)" : "");
      try (EmbeddedKafka broker = EmbeddedKafka.builder().exitJvmOnFatalFault().partitions(config.partitions())
          // the benchmark topics hold the whole load at once; keep it, do not roll it away
          .brokerProperty("log.retention.ms", "-1")
          .start();
          Sink sink = Sink.open(config.sink())) {
        report.environment().put("SMTP sink", sink.kind());
        BenchKafka kafka = new BenchKafka(broker, config.partitions());
        DeliveryScenario delivery = new DeliveryScenario(kafka, config, report);
        if (wants("topology")) {
          TopologyScenario topology = new TopologyScenario(kafka, config, report);
          List<TopologyRun> runs = topology.run();
          topology.report(runs);
        }
        if (wants("topology-shape")) {
          TopologyScenario topology = new TopologyScenario(kafka, config, report);
          topology.reportParts(topology.runParts());
        }
        if (wants("delivery") || wants("memory")) {
          if (wants("delivery")) {
            List<DeliveryRun> runs = delivery.run(sink);
            delivery.report(runs, sink);
          } else {
            kafka.createTopics(delivery.topics());
            kafka.publishNotifications(delivery.topics(), "dlv", config.notifications(), DeliveryScenario.ACCOUNT);
          }
        }
        if (wants("throttle")) {
          new ThrottleScenario(kafka, config, report).run();
        }
        if (wants("latency")) {
          new LatencyScenario(kafka, config, report).run(config.quick() ? 1_000 : 15_000);
        }
        if (wants("latency-light") && !wants("latency")) {
          new LatencyScenario(kafka, config, report).runLight();
        }
        if (wants("latency-deployed")) {
          new LatencyScenario(kafka, config, report).runDeployed(config.quick() ? 1_000 : 15_000);
        }
        if (wants("quota-start")) {
          new QuotaStartScenario(kafka, config, report).run();
        }
        if (wants("memory")) {
          new MemoryScenario(kafka, config, report).run(delivery, sink);
        }
      }
      report.environment().put("duration s", Math.round((System.nanoTime() - START) / 1e9));
      return report.write(config.out());
    }

    private boolean wants(String scenario) {
      return config.scenarios().contains(scenario);
    }

    private void environment() {
      var env = report.environment();
      env.put("mode", config.quick() ? "quick" : "full");
      env.put("cores", Runtime.getRuntime().availableProcessors());
      env.put("java", System.getProperty("java.version"));
      env.put("heap max MB", Runtime.getRuntime().maxMemory() / 1048576);
      env.put("events", config.events());
      env.put("notifications", config.notifications());
      env.put("partitions", config.partitions());
      env.put("repetitions", config.repetitions());
      env.put("caps s", "topology " + config.topologyCap().toSeconds() + ", delivery "
          + config.deliveryCap().toSeconds());
      env.put("started", Instant.now().toString());
    }
  }
}
