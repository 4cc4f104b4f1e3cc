package dev.notifier.bench;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.streams.NotifierTopology;
import dev.notifier.streams.expand.RuleBook;
import dev.notifier.streams.expand.RuleBookLoader;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Scenario 1: events (each to a group of three) through the real notifier topology, under
 * exactly_once_v2 and at_least_once, against three baselines on the same broker, partitions,
 * guarantee and commit interval: (a) a Kafka Streams app that only fans each event out ×3
 * (flatMapValues → to), (b) a hand-written transactional consume → produce pipe, (c) {@link SameShapeApp},
 * a minimal Streams app with the notifier's own shape (global-table lookups, a changelogged dedup
 * window store, a send record and a status record per notification) and a trivial render. The
 * events are produced before the clock starts. Each run is measured over a fixed window from its
 * first committed offsets (start-up excluded), from an input large enough that the fastest variant
 * does not run dry; every variant runs {@link BenchConfig#repetitions()} times, interleaved, and the
 * report takes the median.
 */
final class TopologyScenario {

  static final String EOS = StreamsConfig.EXACTLY_ONCE_V2;
  static final String ALO = StreamsConfig.AT_LEAST_ONCE;
  /** Kafka Streams' default for exactly-once; every variant uses it, at-least-once too. */
  static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
  /** Events each app processes at least, unmeasured, before the runs that are reported. */
  static final int WARM_UP_EVENTS = 30_000;
  /** The warm-up's input: enough for the notifier to run until its code is compiled. */
  static final int WARM_UP_INPUT = 300_000;
  /** A warm-up ends when the JIT compilers used less than this share of a core over {@link #JIT_QUIET_OVER}. */
  static final double JIT_QUIET_CORES = 0.1;
  static final Duration JIT_QUIET_OVER = Duration.ofSeconds(2);
  /** The longest a warm-up runs, quiet compilers or not. */
  static final Duration WARM_UP_CAP = Duration.ofSeconds(60);
  /** Events for the at-least-once notifier's own input: several windows' worth at its speed. */
  static final int NOTIFIER_ALO_EVENTS = 150_000;

  static final String FAN_OUT = "fan-out Streams app (a)";
  static final String PIPE = "transactional pipe (b)";
  static final String SAME_SHAPE = "same-shape Streams app (c)";
  /** (c) with one of its parts left out; the part's label follows. */
  static final String SAME_SHAPE_WITHOUT = "same-shape (c), ";
  /** The notifier's output alone: per event three notifications and three statuses, already serialized. */
  static final String OUTPUT_ONLY = "fan-out of the notifier's records (d)";
  static final String NOTIFIER = "notifier topology";
  static final String NOTIFIER_DIGESTS = "notifier topology, digests on half the rules";
  /** The notifier as shipped: the built-in rules set no cap, so all its mail takes one hop. */
  static final String NOTIFIER_SHIPPED = "notifier topology, built-in rules as shipped (one hop)";
  /** Two stream threads on the machine's two cores: what a second thread adds (reported). */
  static final String FAN_OUT_TWO_THREADS = "fan-out Streams app (a), 2 stream threads";
  static final String NOTIFIER_TWO_THREADS = "notifier topology, 2 stream threads";
  /** The notifier at its own default commit interval, when that differs from the common {@link #COMMIT_INTERVAL}. */
  static final String NOTIFIER_OWN_COMMIT = "notifier topology, commit "
      + StreamsSettings.DEFAULT_COMMIT_INTERVAL.toMillis() + " ms (its default)";
  /**
   * A daily cap for every recipient, never reached: every normal mail counts towards it, so all of it
   * crosses the by-recipient repartition to the policy stage, as in the same-shape app (c) — mail that
   * needs no state of its recipient would otherwise be rendered in the event's own transaction and the
   * two would no longer do the same I/O.
   */
  static final String CAP_EVERYONE = """
      defaults:
        recipient: {dailyCap: 1000000}
      """;

  /**
   * The rules of the digest variant: the notifier's bug rule split in two, bug.edited (half the
   * events) digested per bug in a 10-minute window, which does not close within a run — so the run
   * measures what every digested item costs (policy stores, DIGESTED statuses), not the digests' sending.
   */
  static final String DIGEST_RULES = """
      rules:
        - events: bug.assigned
          notify: [to, cc, groups]
          template: bug
        - events: bug.edited
          notify: [to, cc, groups]
          template: bug
          digest: {mode: fixed, every: 10m}
      """ + CAP_EVERYONE;


  private final BenchKafka kafka;
  private final BenchConfig config;
  private final Report report;
  /** A notification the notifier rendered in the warm-up: the same-shape app's bodies. */
  private Notification sample;
  /** The notifier's own work with no Kafka, and its runs (one per repetition, interleaved with the apps). */
  private RenderFloor floor;
  private final List<RenderFloor.Result> floorRuns = new ArrayList<>();

  TopologyScenario(BenchKafka kafka, BenchConfig config, Report report) {
    this.kafka = kafka;
    this.config = config;
    this.report = report;
  }

  /** How long each run is measured, from its first committed offsets. */
  Duration window() {
    return config.quick() ? Duration.ofMillis(1500) : Duration.ofSeconds(3);
  }

  List<TopologyRun> run() throws Exception {
    Topics eos = Topics.withPrefix("topo-eos.");
    Topics alo = Topics.withPrefix("topo-alo.");
    Topics shapeEos = Topics.withPrefix("topo-shape-eos.");
    Topics shapeAlo = Topics.withPrefix("topo-shape-alo.");
    Topics digests = Topics.withPrefix("topo-digest-eos.");
    Topics shipped = Topics.withPrefix("topo-shipped-eos.");
    for (Topics t : List.of(eos, alo, shapeEos, shapeAlo, digests, shipped)) {
      kafka.createTopics(t);
      kafka.publishDirectory(t);
    }
    kafka.publishEvents(eos.events().name(), "ev", config.events());
    // the same events on the digest variant's own input: the notifier reads its topics' events topic
    kafka.publishEvents(digests.events().name(), "ev", config.events());
    kafka.publishEvents(shipped.events().name(), "ev", config.events());
    int aloEvents = Math.min(config.events(), NOTIFIER_ALO_EVENTS);
    kafka.publishEvents(alo.events().name(), "ev", aloEvents);
    warmUp(true);
    String input = eos.events().name();
    int n = config.events();
    List<TopologyRun> runs = new ArrayList<>();
    for (int rep = 1; rep <= config.repetitions(); rep++) {
      String r = "-r" + rep;
      runs.add(fanOutRun(input, n, r));
      runs.add(streams(FAN_OUT, ALO, "bench-fanout-alo" + r, input, n, () -> fanOut(input, "bench.fanout-alo.out"),
          "bench.fanout-alo.out"));
      runs.add(pipe(input, "bench-pipe-eos" + r));
      runs.add(recordsFanOutRun(input, n, r));
      // the same-shape app reads the notifier's input and its directory; it writes to topics of its own
      runs.add(repartitioned(SAME_SHAPE, EOS, "bench-shape-eos" + r, input, n, () -> sameShape(shapeEos, input),
          shapeEos.status().name(), COMMIT_INTERVAL));
      runs.add(repartitioned(SAME_SHAPE, ALO, "bench-shape-alo" + r, input, n, () -> sameShape(shapeAlo, input),
          shapeAlo.status().name(), COMMIT_INTERVAL));
      // two sub-topologies (parse → expand → suppress → dedup, then by recipient: policy → render → send): an
      // event is done when its input offset and its three candidates' repartition offsets are committed
      runs.add(repartitioned(NOTIFIER, EOS, "bench-notifier-eos" + r, input, n, () -> notifier(eos), eos.status().name(),
          COMMIT_INTERVAL));
      RenderFloor.Result alone = floor.run(window());
      floorRuns.add(alone);
      BenchMain.log("topology: %s: %d events, %.0f events/s, %.3f CPU ms/event", RenderFloor.NAME, alone.events(),
          alone.eventsPerSecond(), alone.cpuMillisPerEvent());
      if (!StreamsSettings.DEFAULT_COMMIT_INTERVAL.equals(COMMIT_INTERVAL)) {
        runs.add(repartitioned(NOTIFIER_OWN_COMMIT, EOS, "bench-notifier-own-eos" + r, input, n, () -> notifier(eos),
            eos.status().name(), StreamsSettings.DEFAULT_COMMIT_INTERVAL));
      }
      // one hop: every candidate is finished in its event's task, so the input's committed offsets are its progress
      runs.add(streams(NOTIFIER_SHIPPED, EOS, "bench-notifier-shipped-eos" + r, shipped.events().name(), n,
          () -> notifierAsShipped(shipped), shipped.status().name()));
      runs.add(repartitioned(NOTIFIER_DIGESTS, EOS, "bench-notifier-digest-eos" + r, digests.events().name(), n,
          () -> notifierWithDigests(digests), digests.status().name(), COMMIT_INTERVAL));
      runs.add(repartitioned(NOTIFIER, ALO, "bench-notifier-alo" + r, alo.events().name(), aloEvents, () -> notifier(alo),
          alo.status().name(), COMMIT_INTERVAL));
      // the second core: both apps on two stream threads (the 4 partitions' tasks split between them)
      runs.add(streams(FAN_OUT_TWO_THREADS, EOS, "bench-fanout2-eos" + r, input, n,
          () -> fanOut(input, "bench.fanout2-eos.out"), "bench.fanout2-eos.out", 2));
      runs.add(repartitioned(NOTIFIER_TWO_THREADS, EOS, "bench-notifier2-eos" + r, input, n, () -> notifier(eos),
          eos.status().name(), COMMIT_INTERVAL, 2));
    }
    return runs;
  }

  /**
   * The scenario {@code topology-shape}: the bare fan-out (a), the fan-out of the notifier's records (d), the
   * same-shape app (c), and (c) with each of its {@link SameShapeApp.Part parts} left out in turn, all under
   * exactly-once, interleaved, {@link BenchConfig#repetitions()} times: what each part of the notifier's shape costs.
   */
  List<TopologyRun> runParts() throws Exception {
    Topics eos = Topics.withPrefix("topo-eos.");
    kafka.createTopics(eos);
    kafka.publishDirectory(eos);
    String input = eos.events().name();
    int n = config.events();
    kafka.publishEvents(input, "ev", n);
    Map<SameShapeApp.Part, Topics> partTopics = new java.util.EnumMap<>(SameShapeApp.Part.class);
    Topics shape = Topics.withPrefix("topo-shape-eos.");
    kafka.createTopics(shape);
    kafka.publishDirectory(shape);
    for (SameShapeApp.Part part : SameShapeApp.Part.values()) {
      // each variant writes to topics of its own, and reads a directory of its own
      Topics t = Topics.withPrefix("topo-shape-" + part.name().toLowerCase(java.util.Locale.ROOT) + ".");
      kafka.createTopics(t);
      kafka.publishDirectory(t);
      partTopics.put(part, t);
    }
    // no RenderFloor here: this scenario does not run it
    warmUp(false);
    List<TopologyRun> runs = new ArrayList<>();
    for (int rep = 1; rep <= config.repetitions(); rep++) {
      String r = "-r" + rep;
      runs.add(fanOutRun(input, n, r));
      runs.add(recordsFanOutRun(input, n, r));
      runs.add(repartitioned(SAME_SHAPE, EOS, "bench-shape-eos" + r, input, n, () -> sameShape(shape, input),
          shape.status().name(), COMMIT_INTERVAL));
      for (SameShapeApp.Part part : SameShapeApp.Part.values()) {
        Topics t = partTopics.get(part);
        String appId = "bench-shape-no-" + part.name().toLowerCase(java.util.Locale.ROOT) + r;
        Supplier<Topology> app = () -> SameShapeApp.build(t, input,
            TopologySettings.defaults(t, "default").dedupWindow(), sample, java.util.EnumSet.of(part));
        String name = SAME_SHAPE_WITHOUT + part.label;
        runs.add(part == SameShapeApp.Part.REPARTITION
            ? streams(name, EOS, appId, input, n, app, t.status().name())
            : repartitioned(name, EOS, appId, input, n, app, t.status().name(), COMMIT_INTERVAL));
      }
    }
    return runs;
  }

  /** The {@code topology-shape} scenario's table: each variant's rate, and against (c) whole. */
  void reportParts(List<TopologyRun> runs) {
    Report.Section s = report.section("1. Topology: what each part of the same-shape app costs");
    List<Variant> variants = variants(runs);
    double whole = find(variants, SAME_SHAPE, EOS);
    double fanOut = find(variants, FAN_OUT, EOS);
    List<List<String>> rows = new ArrayList<>();
    for (Variant v : variants) {
      double app = v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::app));
      rows.add(List.of(v.name(), Report.fmt(v.eventsPerSecond()), v.each(r -> Report.fmt(r.eventsPerSecond())),
          Report.fmt(app), Report.fmt(v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::broker))),
          Report.times(Stats.ratio(v.eventsPerSecond(), whole)), Report.times(Stats.ratio(v.eventsPerSecond(), fanOut))));
      s.data(v.name(), Map.of("eventsPerSecondMedian", v.eventsPerSecond(),
          "eventsPerSecond", v.runs().stream().map(TopologyRun::eventsPerSecond).toList(),
          "appWindowCpuMsPerEvent", app));
    }
    s.table(new Report.Table(null, List.of("variant (exactly_once_v2)", "events/s (median)", "events/s per run",
        "in the window: app threads ms/event", "broker ms/event", "/ same-shape (c)", "/ bare fan-out (a)"), rows));
    s.note("Each variant ran " + config.repetitions() + " times, interleaved, each measured for " + window().toMillis()
        + " ms from its first committed offsets, one stream thread, commit every " + COMMIT_INTERVAL.toMillis()
        + " ms. A part left out: " + String.join("; ", java.util.Arrays.stream(SameShapeApp.Part.values())
        .map(p -> p.label).toList()) + ". The variant without the repartition is measured at its input alone.");
  }

  /**
   * Not reported: every app once over an input of its own, so that every variant is measured with its
   * code compiled — the notifier's (parsing, Avro, Mustache, RocksDB) otherwise shares the 2 cores with
   * the JIT compiler, which on this machine keeps most of a core busy for the notifier's first 15 to 20
   * seconds, the trivial fan-out's hardly at all. Each app runs until it has processed {@value
   * #WARM_UP_EVENTS} events and the JIT compilers have gone quiet ({@link #JIT_QUIET_CORES} of a core
   * over {@link #JIT_QUIET_OVER}), or its input runs out, or {@link #WARM_UP_CAP}. The notifier's
   * warm-up also renders the sample the same-shape app copies. {@code withFloor}: the notifier's own work with no
   * Kafka ({@link RenderFloor}) is warmed up too, for the scenario that reports it.
   */
  private void warmUp(boolean withFloor) throws Exception {
    Topics warm = Topics.withPrefix("topo-warm.");
    Topics warmShape = Topics.withPrefix("topo-warm-shape.");
    kafka.createTopics(warm);
    kafka.publishDirectory(warm);
    kafka.createTopics(warmShape);
    kafka.publishDirectory(warmShape);
    int events = config.quick() ? Math.min(config.events(), WARM_UP_EVENTS) : WARM_UP_INPUT;
    kafka.publishEvents(warm.events().name(), "warm", events);
    String input = warm.events().name();
    kafka.createTopic("bench.warm.out");
    warm("warm-up fan-out", "bench-warm-fanout", input, events, () -> fanOut(input, "bench.warm.out"));
    warm("warm-up notifier", "bench-warm-notifier", input, events, () -> notifier(warm));
    sample = firstNotification(warm);
    if (withFloor) {
      warmFloor();
    }
    warm("warm-up same-shape", "bench-warm-shape", input, events, () -> sameShape(warmShape, input));
  }

  /** One warm-up run (see {@link #warmUp}): from the start of {@code input} until the compilers are quiet. */
  private void warm(String name, String appId, String input, int events, Supplier<Topology> topology)
      throws Exception {
    KafkaStreams streams = new KafkaStreams(topology.get(), properties(appId, EOS, COMMIT_INTERVAL, 1));
    long start = System.nanoTime();
    long done = 0;
    double jitCores = Double.NaN;
    try (Admin admin = kafka.admin()) {
      streams.start();
      java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();
      long deadline = start + WARM_UP_CAP.toNanos();
      while (System.nanoTime() < deadline && done < events) {
        Thread.sleep(250);
        done = BenchKafka.committed(admin, appId, input);
        long now = System.nanoTime();
        samples.addLast(new long[] {now, CpuSplit.jitNanosNow()});
        while (samples.size() > 1 && now - samples.peekFirst()[0] > JIT_QUIET_OVER.toNanos()) {
          samples.removeFirst();
        }
        long[] first = samples.peekFirst();
        if (now - first[0] >= JIT_QUIET_OVER.toNanos() * 3 / 4) {
          jitCores = (double) (samples.peekLast()[1] - first[1]) / (now - first[0]);
          if (done >= Math.min(events, WARM_UP_EVENTS) && jitCores < JIT_QUIET_CORES) {
            break;
          }
        }
      }
    } finally {
      closeAndCleanUp(streams, appId);
    }
    BenchMain.log("topology: %s: %d events in %.1f s, JIT compilers at the end %.2f of a core", name, done,
        (System.nanoTime() - start) / 1e9, jitCores);
  }

  /** {@link #floor}'s warm-up, as the apps': runs of 2 s until the JIT compilers are quiet, for at most {@link #WARM_UP_CAP}. */
  private void warmFloor() {
    floor = new RenderFloor();
    long start = System.nanoTime();
    double jitCores;
    do {
      long jit0 = CpuSplit.jitNanosNow();
      long t0 = System.nanoTime();
      floor.run(JIT_QUIET_OVER);
      jitCores = (double) (CpuSplit.jitNanosNow() - jit0) / (System.nanoTime() - t0);
    } while (jitCores >= JIT_QUIET_CORES && System.nanoTime() - start < WARM_UP_CAP.toNanos());
    BenchMain.log("topology: warm-up %s: %.1f s, JIT compilers at the end %.2f of a core", RenderFloor.NAME,
        (System.nanoTime() - start) / 1e9, jitCores);
  }

  /**
   * Closes a variant's app and deletes its local state. A close can outlast its first wait on a loaded machine
   * (a stream thread finishing a transaction); the state is deleted only once the app has stopped, else left in
   * its temporary directory, and said.
   */
  private static void closeAndCleanUp(KafkaStreams streams, String appId) {
    if (streams.close(Duration.ofSeconds(30)) || streams.close(Duration.ofSeconds(120))) {
      streams.cleanUp();
    } else {
      BenchMain.log("topology: %s did not stop within 150 s; its local state is left in its temporary directory",
          appId);
    }
  }

  /** The first notification in {@code topics}' send topic. */
  private Notification firstNotification(Topics topics) {
    Properties props = kafka.embedded().consumerProps("bench-sample-" + System.nanoTime());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, Notification> consumer = new KafkaConsumer<>(props,
        topics.send().keySerde().deserializer(), topics.send().valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.send().name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          return r.value();
        }
      }
    }
    throw new IllegalStateException("the notifier wrote no notification to " + topics.send().name()
        + " in its warm-up: the same-shape baseline has nothing to copy its bodies from");
  }

  /** The same-shape baseline reading {@code input}, writing to {@code topics}' send and status topics. */
  private Topology sameShape(Topics topics, String input) {
    return SameShapeApp.build(topics, input, TopologySettings.defaults(topics, "default").dedupWindow(), sample);
  }

  /**
   * The real notifier topology over {@code topics}, with default settings and the built-in rules, every
   * recipient capped ({@link #CAP_EVERYONE}).
   */
  private static Topology notifier(Topics topics) {
    StreamsBuilder builder = new StreamsBuilder();
    String rules;
    try (java.io.InputStream in = StreamsSettings.class.getResourceAsStream("/rules/default-rules.yaml")) {
      rules = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    RuleBook capped = RuleBookLoader.parse("built-in rules, every recipient capped",
        new java.io.ByteArrayInputStream((rules + "\n" + CAP_EVERYONE).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    NotifierTopology.buildTopology(builder, TopologySettings.defaults(topics, "default").withRules(capped));
    return builder.build();
  }

  /** The notifier topology over {@code topics} with its defaults and built-in rules, unchanged. */
  private static Topology notifierAsShipped(Topics topics) {
    StreamsBuilder builder = new StreamsBuilder();
    NotifierTopology.buildTopology(builder, TopologySettings.defaults(topics, "default"));
    return builder.build();
  }

  /** The notifier topology over {@code topics}, bug.edited digested ({@link #DIGEST_RULES}). */
  private static Topology notifierWithDigests(Topics topics) {
    StreamsBuilder builder = new StreamsBuilder();
    RuleBook rules = RuleBookLoader.parse("bench digest rules",
        new java.io.ByteArrayInputStream(DIGEST_RULES.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    NotifierTopology.buildTopology(builder, TopologySettings.defaults(topics, "default").withRules(rules));
    return builder.build();
  }

  private Topology fanOut(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .flatMapValues(v -> List.of(v, v, v))
        .to(output, Produced.with(Serdes.String(), Serdes.ByteArray()));
    return builder.build();
  }

  /** A run of the bare fan-out (a) under exactly-once over {@code input} ({@code n} events), repetition {@code r}. */
  private TopologyRun fanOutRun(String input, int n, String r) throws Exception {
    return streams(FAN_OUT, EOS, "bench-fanout-eos" + r, input, n, () -> fanOut(input, "bench.fanout-eos.out"),
        "bench.fanout-eos.out");
  }

  /** A run of baseline (d), {@link RecordsFanOut}, over {@code input} ({@code n} events), repetition {@code r}. */
  private TopologyRun recordsFanOutRun(String input, int n, String r) throws Exception {
    String send = "bench.output-eos.send";
    String status = "bench.output-eos.status";
    kafka.createTopic(send);
    return streams(OUTPUT_ONLY, EOS, "bench-output-eos" + r, input, n,
        () -> RecordsFanOut.build(input, send, status, sample), status);
  }

  /**
   * Runs one Streams variant over its input topic {@code watched} ({@code events} long) for the
   * measuring window, or until all is consumed and committed; counts what it wrote to {@code output}.
   */
  private TopologyRun streams(String name, String guarantee, String appId, String watched, int events,
      Supplier<Topology> topology, String output) throws Exception {
    return streams(name, guarantee, appId, watched, events, topology, output, 1);
  }

  /** As above, on {@code threads} stream threads. */
  private TopologyRun streams(String name, String guarantee, String appId, String watched, int events,
      Supplier<Topology> topology, String output, int threads) throws Exception {
    return streams(name, guarantee, appId, events, topology, output, COMMIT_INTERVAL, threads,
        admin -> BenchKafka.committed(admin, appId, watched));
  }

  /**
   * A run of the notifier or the same-shape app: its progress is the events it has finished, committed at its
   * input and, three candidates each, at its by-recipient repartition topic (counting the input alone would
   * credit it with candidates still waiting there).
   */
  private TopologyRun repartitioned(String name, String guarantee, String appId, String watched, int events,
      Supplier<Topology> topology, String output, Duration commitInterval) throws Exception {
    return repartitioned(name, guarantee, appId, watched, events, topology, output, commitInterval, 1);
  }

  /** As above, on {@code threads} stream threads. */
  private TopologyRun repartitioned(String name, String guarantee, String appId, String watched, int events,
      Supplier<Topology> topology, String output, Duration commitInterval, int threads) throws Exception {
    String repartition = appId + "-by-recipient-repartition";
    return streams(name, guarantee, appId, events, topology, output, commitInterval, threads,
        admin -> Math.min(BenchKafka.committed(admin, appId, watched),
            BenchKafka.committed(admin, appId, repartition) / BenchKafka.GROUP_SIZE));
  }

  private TopologyRun streams(String name, String guarantee, String appId, int events, Supplier<Topology> topology,
      String output, Duration commitInterval, int threads, java.util.function.ToLongFunction<Admin> done)
      throws Exception {
    kafka.createTopic(output);
    long outputBefore = kafka.endOffsets(output);
    long cpu0 = Cpu.processNanos();
    KafkaStreams streams = new KafkaStreams(topology.get(), properties(appId, guarantee, commitInterval, threads));
    BenchKafka.Progress progress;
    long appCpu;
    CpuSplit.Window measured = new CpuSplit.Window();
    CpuSplit.Delta inWindow;
    CommitCost commits;
    try (Admin admin = kafka.admin()) {
      streams.start();
      long started = System.nanoTime();
      progress = BenchKafka.watch(() -> done.applyAsLong(admin), events, config.topologyCap(), window(),
          measured::open);
      appCpu = Cpu.threadsNanos(appId);
      inWindow = measured.close(appId);
      commits = CommitCost.of(streams.metrics(), System.nanoTime() - started, threads);
    } finally {
      closeAndCleanUp(streams, appId);
    }
    long processCpu = Cpu.processNanos() - cpu0;
    // the notifier writes one QUEUED status per notification: count those (smaller than the mail);
    // offsets, not records: under exactly-once each commit adds a transaction marker per partition
    long verified = kafka.endOffsets(output) - outputBefore;
    BenchMain.log("topology: %s %s: %s events, %.0f events/s, output %d; %.1f commits/s, each %.2f ms flushing, "
        + "%.2f ms sending offsets and %.2f ms committing (%.0f %% of the thread's time)", name, guarantee,
        progress.completion(), progress.rate(), verified, commits.commitsPerSecond(), commits.flushMillisEach(),
        commits.sendOffsetsMillisEach(), commits.commitTransactionMillisEach(), 100 * commits.threadShare());
    return new TopologyRun(name, guarantee, progress, 3, appCpu, processCpu, verified, inWindow, commits);
  }

  private TopologyRun pipe(String input, String id) throws Exception {
    String output = "bench.pipe.out";
    kafka.createTopic(output);
    long outputBefore = kafka.endOffsets(output);
    TransactionalPipe pipe = new TransactionalPipe(kafka.bootstrap(), id, input, output, COMMIT_INTERVAL);
    Thread thread = new Thread(pipe, id + "-thread");
    long cpu0 = Cpu.processNanos();
    BenchKafka.Progress progress;
    long appCpu;
    CpuSplit.Window measured = new CpuSplit.Window();
    CpuSplit.Delta inWindow;
    try (Admin admin = kafka.admin()) {
      thread.start();
      progress = BenchKafka.watch(() -> BenchKafka.committed(admin, id, input), config.events(), config.topologyCap(),
          window(), measured::open);
      appCpu = Cpu.threadsNanos(id);
      inWindow = measured.close(id);
    } finally {
      pipe.stop();
      thread.join(30_000);
    }
    long processCpu = Cpu.processNanos() - cpu0;
    long verified = kafka.endOffsets(output) - outputBefore;
    BenchMain.log("topology: transactional pipe: %s events, %.0f events/s", progress.completion(), progress.rate());
    return new TopologyRun(PIPE, EOS, progress, 3, appCpu, processCpu, verified, inWindow, null);
  }

  /**
   * Every variant runs with the notifier's own Kafka Streams configuration ({@link StreamsApp#properties}:
   * producer batching and compression included), one stream thread, the variant's guarantee and the
   * same commit interval.
   */
  private Properties properties(String appId, String guarantee, Duration commitInterval, int threads)
      throws Exception {
    StreamsSettings settings = StreamsSettings.defaults().withApplicationId(appId)
        .withStateDir(Files.createTempDirectory("bench-streams-").toString());
    Properties props = StreamsApp.properties(new KafkaSettings(kafka.bootstrap(), "", Map.of()), settings);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    // the same commit interval for every variant and guarantee (exactly-once's default), but for the variant
    // that measures the notifier's own
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    return props;
  }

  /**
   * Where the exactly-once Streams variants' commits went: how often each committed, and how long a commit kept its
   * stream thread (which does nothing else meanwhile) in each of the producer's three calls.
   */
  private void commitTable(Report.Section s, List<Variant> variants) {
    List<List<String>> rows = new ArrayList<>();
    for (Variant v : variants) {
      if (!v.guarantee().equals(EOS) || v.runs().stream().anyMatch(r -> r.commits() == null)) {
        continue;
      }
      double perSecond = v.median(r -> r.commits().commitsPerSecond());
      double flush = v.median(r -> r.commits().flushMillisEach());
      double offsets = v.median(r -> r.commits().sendOffsetsMillisEach());
      double end = v.median(r -> r.commits().commitTransactionMillisEach());
      double share = v.median(r -> r.commits().threadShare());
      rows.add(List.of(v.name(), Report.fmt(perSecond), Report.fmt(flush), Report.fmt(offsets), Report.fmt(end),
          Report.fmt(100 * share)));
      s.data(v.name() + " " + v.guarantee() + " commits", Map.of("commitsPerSecond", perSecond, "flushMsEach", flush,
          "sendOffsetsMsEach", offsets, "commitTransactionMsEach", end, "threadShare", share));
    }
    s.table(new Report.Table("Exactly-once commits (medians of the runs)", List.of("variant", "commits/s",
        "ms each in flush", "ms each in sendOffsetsToTransaction", "ms each in commitTransaction",
        "% of a stream thread's time"), rows));
    s.note("Commits: the stream threads' commit count; the three calls' times are the producers' own totals "
        + "(flush-time-ns-total, txn-send-offsets-time-ns-total, txn-commit-time-ns-total), divided by the commits: "
        + "flush waits for every record of the transaction to be acknowledged (at Kafka Streams' linger of 100 ms "
        + "a batch that is not full waits for it, so most of a transaction's records are sent only then). "
        + "Each over the whole run, start-up and any idle end after the input ran out included, so the share is a "
        + "floor.");
  }

  /** One variant's runs (name and guarantee) and their medians. */
  record Variant(String name, String guarantee, List<TopologyRun> runs) {

    double eventsPerSecond() {
      return Stats.median(runs.stream().map(TopologyRun::eventsPerSecond).toList());
    }

    double median(java.util.function.ToDoubleFunction<TopologyRun> f) {
      return Stats.median(runs.stream().map(r -> f.applyAsDouble(r)).toList());
    }

    String each(java.util.function.Function<TopologyRun, String> f) {
      return String.join(", ", runs.stream().map(f).toList());
    }
  }

  static List<Variant> variants(List<TopologyRun> runs) {
    Map<String, Variant> byKey = new java.util.LinkedHashMap<>();
    for (TopologyRun r : runs) {
      byKey.computeIfAbsent(r.name() + "@" + r.guarantee(), k -> new Variant(r.name(), r.guarantee(),
          new ArrayList<>())).runs().add(r);
    }
    return List.copyOf(byKey.values());
  }

  /** Adds the scenario's table, targets and chart to the report. */
  void report(List<TopologyRun> runs) {
    Report.Section s = report.section("1. Topology throughput");
    List<Variant> variants = variants(runs);
    List<List<String>> rows = new ArrayList<>();
    for (Variant v : variants) {
      rows.add(List.of(v.name(), v.guarantee(), Report.fmt(v.eventsPerSecond()),
          v.each(r -> Report.fmt(r.eventsPerSecond())), Report.fmt(v.eventsPerSecond() * 3),
          Report.fmt(v.median(TopologyRun::appCpuMillisPerEvent)),
          Report.fmt(v.median(TopologyRun::processCpuMillisPerEvent)),
          Report.fmt(v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::app))),
          Report.fmt(v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::broker))),
          Report.fmt(v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::jit))),
          Report.fmt(v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::gc))),
          Report.fmt(v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::other))),
          v.each(r -> r.progress().done() + "→" + r.verified())));
      s.data(v.name() + " " + v.guarantee(), Map.of("eventsPerSecondMedian", v.eventsPerSecond(),
          "eventsPerSecond", v.runs().stream().map(TopologyRun::eventsPerSecond).toList(),
          "eventsCommitted", v.runs().stream().map(r -> r.progress().done()).toList(),
          "outputOffsets", v.runs().stream().map(TopologyRun::verified).toList(),
          "appCpuMsPerEvent", v.median(TopologyRun::appCpuMillisPerEvent),
          "processCpuMsPerEvent", v.median(TopologyRun::processCpuMillisPerEvent),
          "windowCpuMsPerEvent", Map.of("app", v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::app)),
              "broker", v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::broker)),
              "jit", v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::jit)),
              "gc", v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::gc)),
              "other", v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::other)),
              "bench", v.median(r -> r.windowMillisPerEvent(CpuSplit.Delta::bench)))));
    }
    s.table(new Report.Table(null, List.of("variant", "guarantee", "events/s (median)", "events/s per run",
        "notifications/s", "app CPU ms/event", "process CPU ms/event", "in the window: app threads ms/event",
        "broker", "JIT", "GC", "rest (RocksDB…)", "events committed → output offsets, per run"),
        rows));
    s.note("Events fan out to the 3 members of a group (100 groups, 300 users); " + config.partitions()
        + " partitions; 1 stream thread (but the two \"2 stream threads\" variants); commit.interval.ms " + COMMIT_INTERVAL.toMillis() + " for every variant"
        + (StreamsSettings.DEFAULT_COMMIT_INTERVAL.equals(COMMIT_INTERVAL) ? "" : " but \"" + NOTIFIER_OWN_COMMIT
        + "\"") + ".");
    s.note("The progress of the notifier and of (c) is the events committed at the input and, three candidates"
        + " each, at the by-recipient repartition topic (the notifier's policy stage, (c)'s copy of it), whichever"
        + " is behind. The notifier runs the built-in rules with a daily cap for every recipient (never reached), so"
        + " all its mail crosses the policy stage as (c)'s does; with the built-in rules alone it would render mail"
        + " that needs no recipient state in the events' own transaction, one hop.");
    s.note("Each variant ran " + config.repetitions() + " times, interleaved with the others; each run is measured for "
        + window().toMillis() + " ms from its first committed offsets (start-up excluded), over an input of "
        + config.events() + " events (the at-least-once notifier: its own input of "
        + Math.min(config.events(), NOTIFIER_ALO_EVENTS) + ").");
    s.note("Before the reported runs each app processed events of its own, unmeasured, so that every variant runs"
        + " compiled (the notifier has far more code for the JIT compiler): at least " + WARM_UP_EVENTS + " and until"
        + " the JIT compilers used less than " + JIT_QUIET_CORES + " of a core over " + JIT_QUIET_OVER.toSeconds()
        + " s (at most " + WARM_UP_CAP.toSeconds() + " s). The JIT column shows what compiling still cost within"
        + " the measured windows.");
    s.note("(c) same-shape: parse the Avro event, look up the group and its users in global tables, three point "
        + "lookups and a put in a changelogged dedup window store per notification, the event and recipient as a "
        + "Candidate through a by-recipient repartition topic, a get and a put in a changelogged per-recipient count "
        + "store, a Notification to the send topic and a QUEUED status per notification; its render copies bodies the notifier rendered ("
        + (sample == null ? "–" : sample.getTextBody().length() + " + " + sample.getHtmlBody().length())
        + " chars of text + HTML), so it writes records as large.");
    s.note("(d) fan-out of the notifier's records: each event becomes three Notifications and three QUEUED statuses,"
        + " the same bytes as the notifier's sample serialized once before the run, keyed by a notification id, to a"
        + " send and a status topic of its own; nothing parsed, looked up, stored or rendered. Its output offsets"
        + " count the statuses.");
    s.note("Built-in rules as shipped: the notifier with no cap anywhere, so that all mail needs no state of its"
        + " recipient and is rendered in its event's own transaction; measured by its input's committed events alone"
        + " (nothing crosses the repartition topic). Its own input, a copy of the others'.");
    s.note("App CPU counts the threads of the application only; process CPU includes the embedded broker; both"
        + " from the app's start to its close, over all the events it committed (start-up included). The three"
        + " \"in the window\" columns (ms/event) count only the measured window and the events finished in it:"
        + " the application's threads, the embedded broker's, the JIT compilers', the garbage collector's, and the"
        + " rest of the process (RocksDB's native threads among them).");
    s.note("Digest variant: the notifier with bug.edited (half the events) digested per bug in a 10-minute window"
        + " that does not close within a run; its output offsets count a QUEUED or a DIGESTED status per "
        + "notification. It has no warm-up of its own beyond the notifier's.");
    s.note("Output offsets: the growth of the notifier's and (c)'s status topic (one QUEUED status per notification),"
        + " of (a)'s and (b)'s output topic; under exactly-once they include a transaction marker per partition and "
        + "commit, and they run on after the measured window until the app is closed.");
    commitTable(s, variants);
    double notifier = find(variants, NOTIFIER, EOS);
    targetRow("notifier ≥ 0.5 × same-shape Streams app (c) (exactly_once_v2)", notifier,
        find(variants, SAME_SHAPE, EOS), 0.5);
    targetRow("notifier ≥ 0.2 × bare fan-out Streams app (a) (exactly_once_v2)", notifier,
        find(variants, FAN_OUT, EOS), 0.2);
    double notifierAlo = find(variants, NOTIFIER, ALO);
    targetRow("notifier / same-shape Streams app (c) (at_least_once, reported)", notifierAlo,
        find(variants, SAME_SHAPE, ALO), Double.NaN);
    targetRow("notifier / bare fan-out Streams app (a) (at_least_once, reported)", notifierAlo,
        find(variants, FAN_OUT, ALO), Double.NaN);
    if (!StreamsSettings.DEFAULT_COMMIT_INTERVAL.equals(COMMIT_INTERVAL)) {
      targetRow("notifier at its default commit " + StreamsSettings.DEFAULT_COMMIT_INTERVAL.toMillis() + " ms ≥ 0.9 × at "
          + COMMIT_INTERVAL.toMillis() + " ms (exactly_once_v2: what its lower latency costs)",
          find(variants, NOTIFIER_OWN_COMMIT, EOS), notifier, 0.9);
    }
    targetRow("notifier with digests on half the rules / notifier (exactly_once_v2, reported: what digests cost)",
        find(variants, NOTIFIER_DIGESTS, EOS), notifier, Double.NaN);
    double shippedRate = find(variants, NOTIFIER_SHIPPED, EOS);
    targetRow("notifier with the built-in rules as shipped, one hop / bare fan-out (a) (exactly_once_v2, reported)",
        shippedRate, find(variants, FAN_OUT, EOS), Double.NaN);
    targetRow("notifier with the built-in rules as shipped, one hop / notifier, every recipient capped, two hops"
        + " (exactly_once_v2, reported: what the policy stage's repartition costs)", shippedRate, notifier, Double.NaN);
    double notifierTwo = find(variants, NOTIFIER_TWO_THREADS, EOS);
    targetRow("notifier / bare fan-out (a), both on 2 stream threads (exactly_once_v2, reported)", notifierTwo,
        find(variants, FAN_OUT_TWO_THREADS, EOS), Double.NaN);
    targetRow("notifier on 2 stream threads / on 1 (exactly_once_v2, reported: what the second core adds)",
        notifierTwo, notifier, Double.NaN);
    targetRow("same-shape (c) / bare fan-out (a) (exactly_once_v2, reported: what the shape costs)",
        find(variants, SAME_SHAPE, EOS), find(variants, FAN_OUT, EOS), Double.NaN);
    double output = find(variants, OUTPUT_ONLY, EOS);
    targetRow("fan-out of the notifier's records (d) / bare fan-out (a) (exactly_once_v2, reported: what writing the"
        + " notifier's output costs, with none of its work)", output, find(variants, FAN_OUT, EOS), Double.NaN);
    targetRow("same-shape (c) / fan-out of the notifier's records (d) (exactly_once_v2, reported: what the lookups,"
        + " stores, repartition and Avro add to the output)", find(variants, SAME_SHAPE, EOS), output, Double.NaN);
    double alone = Stats.median(floorRuns.stream().map(RenderFloor.Result::eventsPerSecond).toList());
    s.table(new Report.Table(RenderFloor.NAME, List.of("events/s (median)", "events/s per run", "CPU ms/event (median)"),
        List.of(List.of(Report.fmt(alone), String.join(", ", floorRuns.stream()
            .map(r -> Report.fmt(r.eventsPerSecond())).toList()),
            Report.fmt(Stats.median(floorRuns.stream().map(RenderFloor.Result::cpuMillisPerEvent).toList()))))));
    s.data(RenderFloor.NAME, Map.of("eventsPerSecondMedian", alone,
        "eventsPerSecond", floorRuns.stream().map(RenderFloor.Result::eventsPerSecond).toList(),
        "cpuMsPerEvent", floorRuns.stream().map(RenderFloor.Result::cpuMillisPerEvent).toList()));
    s.note("The notifier's own work per event, no Kafka: on the bench's own thread, no broker, client, store or"
        + " commit; each event of the same input parsed, its three candidates rendered by the shipped templates"
        + " through the topology's own Rendering, each notification and its QUEUED status serialized with the"
        + " topics' serdes. The directory and dedup lookups, the repartition and the producer are left out: it is"
        + " a ceiling for any topology that renders the same mail on one thread. One " + window().toMillis()
        + " ms run per repetition, interleaved with the apps, after a warm-up until the JIT compilers are quiet.");
    targetRow("the notifier's own work alone, no Kafka / bare fan-out (a) (reported: the ceiling of the ratio above"
        + " on one thread)", alone, find(variants, FAN_OUT, EOS), Double.NaN);
    targetRow("notifier (exactly_once_v2) / its own work alone, no Kafka (reported: what Kafka, the stores and the"
        + " lookups leave of it)", notifier, alone, Double.NaN);
    s.note("notifier exactly_once_v2 / transactional pipe: " + Report.times(Stats.ratio(notifier,
        find(variants, PIPE, EOS))));
  }

  /** A target row; a NaN factor makes it a reported ratio with no target. */
  private void targetRow(String what, double product, double base, double factor) {
    double ratio = Stats.ratio(product, base);
    report.target("topology", what, Report.fmt(product) + " vs " + Report.fmt(base) + " events/s = "
        + Report.times(ratio, factor), Double.isNaN(ratio) || Double.isNaN(factor) ? null : ratio >= factor);
  }

  static double find(List<Variant> variants, String name, String guarantee) {
    return variants.stream().filter(v -> v.name().equals(name) && v.guarantee().equals(guarantee))
        .mapToDouble(Variant::eventsPerSecond).findFirst().orElse(Double.NaN);
  }
}
