package dev.notifier.bench;

import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.streams.NotifierTopology;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.TopologySettings;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Scenario 1: N events (each to a group of three) through the real notifier topology, under
 * exactly_once_v2 and at_least_once, against two baselines on the same broker, partitions, guarantee
 * and commit interval: (a) a Kafka Streams app that only fans each event out ×3 (flatMapValues → to),
 * (b) a hand-written transactional consume → produce pipe. The events are produced before the clock
 * starts; a run's rate is taken from its first committed offsets to its last (start-up excluded).
 */
final class TopologyScenario {

  static final String EOS = StreamsConfig.EXACTLY_ONCE_V2;
  static final String ALO = StreamsConfig.AT_LEAST_ONCE;
  /** Kafka Streams' default for exactly-once; every variant uses it, at-least-once too. */
  static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
  /** Events each app processes, unmeasured, before the runs that are reported. */
  static final int WARM_UP_EVENTS = 30_000;

  private final BenchKafka kafka;
  private final BenchConfig config;
  private final Report report;

  TopologyScenario(BenchKafka kafka, BenchConfig config, Report report) {
    this.kafka = kafka;
    this.config = config;
    this.report = report;
  }

  List<TopologyRun> run() throws Exception {
    Topics eos = Topics.withPrefix("topo-eos.");
    Topics alo = Topics.withPrefix("topo-alo.");
    for (Topics t : List.of(eos, alo)) {
      kafka.createTopics(t);
      kafka.publishDirectory(t);
      kafka.publishEvents(t.events().name(), "ev", config.events());
    }
    warmUp();
    String input = eos.events().name();
    List<TopologyRun> runs = new ArrayList<>();
    runs.add(streams("fan-out Streams app (a)", EOS, "bench-fanout-eos", input, () -> fanOut(input,
        "bench.fanout-eos.out"), "bench.fanout-eos.out"));
    runs.add(streams("fan-out Streams app (a)", ALO, "bench-fanout-alo", input, () -> fanOut(input,
        "bench.fanout-alo.out"), "bench.fanout-alo.out"));
    runs.add(pipe(input));
    // one sub-topology (parse → expand → dedup → render → send): an event is done when its input
    // offset is committed, in the same transaction as its notifications under exactly-once
    runs.add(streams("notifier topology", EOS, "bench-notifier-eos", input,
        () -> notifier(eos), eos.status().name()));
    runs.add(streams("notifier topology", ALO, "bench-notifier-alo", alo.events().name(),
        () -> notifier(alo), alo.status().name()));
    return runs;
  }

  /**
   * Not reported: both apps once over a smaller input of their own, so that every variant is measured
   * with its code compiled — the notifier's (parsing, Avro, Mustache, RocksDB) otherwise shares the
   * 2 cores with the JIT compiler for much of its run, the trivial fan-out's hardly at all.
   */
  private void warmUp() throws Exception {
    Topics warm = Topics.withPrefix("topo-warm.");
    kafka.createTopics(warm);
    kafka.publishDirectory(warm);
    int events = Math.min(config.events(), WARM_UP_EVENTS);
    kafka.publishEvents(warm.events().name(), "warm", events);
    String input = warm.events().name();
    streams("warm-up fan-out", EOS, "bench-warm-fanout", input, events, () -> fanOut(input, "bench.warm.out"),
        "bench.warm.out");
    streams("warm-up notifier", EOS, "bench-warm-notifier", input, events,
        () -> notifier(warm), warm.status().name());
  }

  /** The real notifier topology over {@code topics}, with default settings. */
  private static Topology notifier(Topics topics) {
    StreamsBuilder builder = new StreamsBuilder();
    NotifierTopology.buildTopology(builder, TopologySettings.defaults(topics, "default"));
    return builder.build();
  }

  private Topology fanOut(String input, String output) {
    kafka.createTopic(output);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .flatMapValues(v -> List.of(v, v, v))
        .to(output, Produced.with(Serdes.String(), Serdes.ByteArray()));
    return builder.build();
  }

  /**
   * Runs one Streams variant until its input topic {@code watched} is consumed and committed.
   */
  private TopologyRun streams(String name, String guarantee, String appId, String watched,
      Supplier<Topology> topology, String output) throws Exception {
    return streams(name, guarantee, appId, watched, config.events(), topology, output);
  }

  private TopologyRun streams(String name, String guarantee, String appId, String watched, int events,
      Supplier<Topology> topology, String output) throws Exception {
    long cpu0 = Cpu.processNanos();
    KafkaStreams streams = new KafkaStreams(topology.get(), properties(appId, guarantee));
    BenchKafka.Progress progress;
    long appCpu;
    try (Admin admin = kafka.admin()) {
      streams.start();
      progress = BenchKafka.watch(() -> BenchKafka.committed(admin, appId, watched), events, config.topologyCap());
      appCpu = Cpu.threadsNanos(appId);
    } finally {
      streams.close(Duration.ofSeconds(30));
      streams.cleanUp();
    }
    long processCpu = Cpu.processNanos() - cpu0;
    // the notifier writes one QUEUED status per notification: count those (smaller than the mail)
    long expected = progress.done() * 3;
    long verified = kafka.countRecords(output, expected, Duration.ofSeconds(config.quick() ? 5 : 20));
    BenchMain.log("topology: %s %s: %s events, %.0f events/s, output %d", name, guarantee, progress.completion(),
        progress.rate(), verified);
    return new TopologyRun(name, guarantee, progress, 3, appCpu, processCpu, verified);
  }

  private TopologyRun pipe(String input) throws Exception {
    String id = "bench-pipe-eos";
    String output = "bench.pipe.out";
    kafka.createTopic(output);
    TransactionalPipe pipe = new TransactionalPipe(kafka.bootstrap(), id, input, output, COMMIT_INTERVAL);
    Thread thread = new Thread(pipe, id + "-thread");
    long cpu0 = Cpu.processNanos();
    BenchKafka.Progress progress;
    long appCpu;
    try (Admin admin = kafka.admin()) {
      thread.start();
      progress = BenchKafka.watch(() -> BenchKafka.committed(admin, id, input), config.events(), config.topologyCap());
      appCpu = Cpu.threadsNanos(id);
    } finally {
      pipe.stop();
      thread.join(30_000);
    }
    long processCpu = Cpu.processNanos() - cpu0;
    long verified = kafka.countRecords(output, progress.done() * 3, Duration.ofSeconds(config.quick() ? 5 : 20));
    BenchMain.log("topology: transactional pipe: %s events, %.0f events/s", progress.completion(), progress.rate());
    return new TopologyRun("transactional pipe (b)", EOS, progress, 3, appCpu, processCpu, verified);
  }

  /**
   * Every variant runs with the notifier's own Kafka Streams configuration ({@link StreamsApp#properties}:
   * producer batching and compression included), one stream thread, the variant's guarantee and the
   * same commit interval.
   */
  private Properties properties(String appId, String guarantee) throws Exception {
    StreamsSettings settings = StreamsSettings.defaults().withApplicationId(appId)
        .withStateDir(Files.createTempDirectory("bench-streams-").toString());
    Properties props = StreamsApp.properties(new KafkaSettings(kafka.bootstrap(), "", Map.of()), settings);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    // the same commit interval for every variant and guarantee (exactly-once's default)
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL.toMillis());
    return props;
  }

  /** Adds the scenario's table, targets and chart to the report. */
  void report(List<TopologyRun> runs) {
    Report.Section s = report.section("1. Topology throughput");
    List<List<String>> rows = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (TopologyRun r : runs) {
      rows.add(List.of(r.name(), r.guarantee(), r.progress().completion(), Report.fmt(r.eventsPerSecond()),
          Report.fmt(r.notificationsPerSecond()), Report.fmt(r.appCpuMillisPerEvent()),
          Report.fmt(r.processCpuMillisPerEvent()), r.verified() < 0 ? "–" : String.valueOf(r.verified())));
      names.add(r.name().replace(" (a)", "").replace(" (b)", "") + " " + shortName(r.guarantee()));
      rates.add(r.eventsPerSecond());
      s.data(r.name() + " " + r.guarantee(), java.util.Map.of("events", r.progress().done(),
          "eventsPerSecond", r.eventsPerSecond(), "notificationsPerSecond", r.notificationsPerSecond(),
          "appCpuMsPerEvent", r.appCpuMillisPerEvent(), "processCpuMsPerEvent", r.processCpuMillisPerEvent(),
          "outputCounted", r.verified(), "complete", r.progress().complete()));
    }
    s.table(new Report.Table(null, List.of("variant", "guarantee", "events", "events/s", "notifications/s",
        "app CPU ms/event", "process CPU ms/event", "output records counted"), rows));
    s.note("Events fan out to the 3 members of a group (100 groups, 300 users); " + config.partitions()
        + " partitions; 1 stream thread; commit.interval.ms " + COMMIT_INTERVAL.toMillis() + " for every variant.");
    s.note("Before the reported runs each app processed " + Math.min(config.events(), WARM_UP_EVENTS)
        + " events of its own, unmeasured, so that every variant runs compiled (the notifier has far more code "
        + "for the JIT compiler).");
    s.note("App CPU counts the threads of the application only; process CPU includes the embedded broker.");
    s.note("For the notifier, output records are its QUEUED statuses (one per notification sent to the send topic).");
    for (String g : List.of(EOS, ALO)) {
      double product = find(runs, "notifier topology", g);
      double fan = find(runs, "fan-out Streams app (a)", g);
      double ratio = Stats.ratio(product, fan);
      report.target("topology", "notifier ≥ 0.25 × minimal fan-out app (" + g + ")",
          Report.fmt(product) + " vs " + Report.fmt(fan) + " events/s = " + Report.times(ratio),
          Double.isNaN(ratio) ? null : ratio >= 0.25);
    }
    double pipe = find(runs, "transactional pipe (b)", EOS);
    s.note("notifier exactly_once_v2 / transactional pipe: "
        + Report.times(Stats.ratio(find(runs, "notifier topology", EOS), pipe)));
    report.chart(Charts.bars("topology-throughput.png", "Topology throughput (events/s)", "events/s", names, rates));
  }

  static double find(List<TopologyRun> runs, String name, String guarantee) {
    return runs.stream().filter(r -> r.name().equals(name) && r.guarantee().equals(guarantee))
        .mapToDouble(TopologyRun::eventsPerSecond).findFirst().orElse(Double.NaN);
  }

  static String shortName(String guarantee) {
    return EOS.equals(guarantee) ? "EOS" : "ALO";
  }
}
