package dev.notifier.bench;

import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Scenario 4: end-to-end latency, event produced → SMTP DATA accepted, with the product's
 * StreamsApp (exactly_once_v2) and one worker, in the bench's JVM ({@link #run(int)}) or each in a
 * JVM of its own with the image's options and its manifest's memory limit ({@link #runDeployed(int)}),
 * at half the pipeline's measured maximum rate, on a fixed-rate schedule. Each event carries two
 * stamps (epoch microseconds) in its subject title, which the rendered subject repeats: when the
 * schedule meant to send it, and when it was actually sent; the testkit server stamps the arrival.
 * Latency from the intended time is the one that counts: when the producer falls behind (a slow
 * send, a pause), the events it sends late would otherwise be timed from their late start and the
 * wait hidden (coordinated omission). The report gives both. The first second is warm-up, left out.
 */
final class LatencyScenario {

  static final Pattern STAMP = Pattern.compile("lat:(\\d+)");
  static final Pattern INTENDED = Pattern.compile("int:(\\d+)");

  private final BenchKafka kafka;
  private final BenchConfig config;
  private final Report report;

  LatencyScenario(BenchKafka kafka, BenchConfig config, Report report) {
    this.kafka = kafka;
    this.config = config;
    this.report = report;
  }

  /** What one run of a configuration measured: the pipeline's maximum and the latencies at half of it. */
  record Run(double max, Histogram intendedHistogram, Histogram sentHistogram, Histogram visibleHistogram,
      double eventsPerSecond, int counted, int expected, MachineCpu backlogCpu, MachineCpu steadyCpu,
      LatencyTail tail) {
  }

  /**
   * The runs of one configuration as one: the median of their maxima and loads, and each percentile the median
   * of the runs' (so one noisy run moves none of them).
   */
  record Result(String config, List<Run> runs) {

    Result {
      runs = List.copyOf(runs);
    }

    Result and(Run run) {
      List<Run> more = new ArrayList<>(runs);
      more.add(run);
      return new Result(config, more);
    }

    double max() {
      return Stats.median(runs.stream().map(Run::max).toList());
    }

    double eventsPerSecond() {
      return Stats.median(runs.stream().map(Run::eventsPerSecond).toList());
    }

    int counted() {
      return runs.stream().mapToInt(Run::counted).sum();
    }

    int expected() {
      return runs.stream().mapToInt(Run::expected).sum();
    }

    Map<String, Double> corrected() {
      return medianPercentiles(Run::intendedHistogram);
    }

    Map<String, Double> fromSent() {
      return medianPercentiles(Run::sentHistogram);
    }

    /** The median over the runs of {@code value} of the CPU of their backlog probes or of their steady windows. */
    double cpu(boolean steady, ToDoubleFunction<MachineCpu> value) {
      return Stats.median(runs.stream().map(r -> value.applyAsDouble(steady ? r.steadyCpu() : r.backlogCpu()))
          .toList());
    }

    /** Intended send time → visible in the send topic (read_committed): the topology's part. */
    Map<String, Double> toSendTopic() {
      return medianPercentiles(Run::visibleHistogram);
    }

    private Map<String, Double> medianPercentiles(Function<Run, Histogram> histogram) {
      return LatencyScenario.medianPercentiles(runs.stream().map(histogram).toList());
    }
  }

  /** The product's defaults, and Kafka Streams' own for exactly-once (what the topology ran with before). */
  static final String DEFAULTS = "defaults (commit " + StreamsSettings.DEFAULT_COMMIT_INTERVAL.toMillis() + " ms)";
  static final String STREAMS_DEFAULTS = "Kafka Streams' exactly-once default commit interval ("
      + TopologyScenario.COMMIT_INTERVAL.toMillis() + " ms)";
  static final String CAPPED = "defaults, every recipient with a daily cap (the policy stage: two hops)";

  /**
   * Runs the product's configuration, Kafka Streams' exactly-once defaults, and the product's with every
   * recipient capped (so all mail takes the policy stage's two hops), {@link BenchConfig#repetitions()} times each,
   * each round in another order (A B C, B C A, C A B: in three rounds each configuration runs once first, once
   * second and once last, so none gains from running later, warmer, or loses to a noisy minute), each run with its
   * own maximum; then reports all three, every figure the median of the runs: the latency target is the product's,
   * the price of its shorter commit interval is the ratio of the first two maxima, and the third shows mail that
   * needs its recipient's state.
   */
  void run(int probe) throws Exception {
    runAll(new InProcess(), probe);
  }

  /**
   * As {@link #run(int)}, with the topology and the worker each in a JVM of its own, as deployed
   * ({@link PipelineProcess}), warmed up until their JIT compilers are quiet; reported in a section of its
   * own, every figure "(reported)".
   */
  void runDeployed(int probe) throws Exception {
    try (ChildJvm topology = ChildJvm.start("latency topology", PipelineProcess.topologyOptions(),
            PipelineProcess.class);
        ChildJvm worker = ChildJvm.start("latency worker", PipelineProcess.workerOptions(), PipelineProcess.class)) {
      runAll(new Deployed(topology, worker), probe);
    }
  }

  private void runAll(Pipeline pipeline, int probe) throws Exception {
    Duration defaults = StreamsSettings.DEFAULT_COMMIT_INTERVAL;
    Duration streamsDefaults = TopologyScenario.COMMIT_INTERVAL;
    String builtIn = PipelineProcess.BUILT_IN_RULES;
    List<Configuration> configurations = List.of(new Configuration(DEFAULTS, "d", defaults, builtIn),
        new Configuration(STREAMS_DEFAULTS, "s", streamsDefaults, builtIn),
        new Configuration(CAPPED, "c", defaults, cappedRules().toString()));
    warmUp(pipeline, probe);
    warmEach(configurations, pipeline, probe);
    List<Result> results = new ArrayList<>(configurations.stream().map(c -> new Result(c.name(), List.of())).toList());
    for (int round = 0; round < config.repetitions(); round++) {
      for (int k = 0; k < configurations.size(); k++) {
        int c = (k + round) % configurations.size();
        Configuration run = configurations.get(c);
        results.set(c, results.get(c).and(runOnce(run.name(), run.tag() + (round + 1), run.commitInterval(),
            run.rules(), pipeline, probe)));
      }
    }
    PairedMaxima paired = pipeline instanceof Deployed ? null
        : probeInPairs(configurations.get(0), configurations.get(1), probe, config.quick() ? 2 : PAIRS);
    report(results, pipeline instanceof Deployed, paired);
    if (!(pipeline instanceof Deployed)) {
      runLight();
    }
  }

  /** The light load alone ({@code bench/run latency-light}), as the in-process latency scenario ends. */
  void runLight() throws Exception {
    lightLoad(config.quick() ? 1 : LIGHT_WINDOWS, config.quick() ? Duration.ofSeconds(5) : LIGHT_WINDOW);
  }

  /** Events a second, on average, of {@link #lightLoad}: about what a busy team's tracker makes. */
  static final double LIGHT_RATE = 20;
  static final Duration LIGHT_WINDOW = Duration.ofSeconds(20);
  static final int LIGHT_WINDOWS = 3;
  /** Events of the backlog each pipeline of {@link #lightLoad} drains first, unreported: its JIT compilers' work. */
  static final int LIGHT_WARM_UP = 15_000;
  /** Kafka Streams' own {@code poll.ms}, which the product's topology no longer waits for input with. */
  static final long STREAMS_POLL_MS = StreamsApp.STREAMS_DEFAULT_POLL_MS;

  /**
   * Light, uneven load, as people make it: events at random moments (a Poisson process of {@link #LIGHT_RATE} a
   * second, the same moments for both), sent to two pipelines side by side, the product's and the same with Kafka
   * Streams' default {@code poll.ms}. A stream thread that processed records before its commit interval was over
   * polls for more and commits when that poll returns; with no record coming, Kafka Streams' poll waits 100 ms, so
   * the last events of a burst waited that long, not the interval; the product polls for a third of the interval.
   * The machine is nearly idle: the two do not compete. Each pipeline first drains a backlog of
   * {@link #LIGHT_WARM_UP} events (its JIT compilers' work, when the scenario runs alone), then one unreported window
   * of 5 s, then {@code windows} of {@code window} each; each percentile the median of the windows'.
   */
  private void lightLoad(int windows, Duration window) throws Exception {
    Duration commit = StreamsSettings.DEFAULT_COMMIT_INTERVAL;
    String rules = PipelineProcess.BUILT_IN_RULES;
    Map<String, String> streamsPoll = Map.of(StreamsConfig.POLL_MS_CONFIG, String.valueOf(STREAMS_POLL_MS));
    List<Histogram> product = new ArrayList<>();
    List<Histogram> streamsDefault = new ArrayList<>();
    onPipeline(new InProcess(), "lp", commit, rules, (topicsA, smtpA, upstreamA) ->
        onPipeline(new InProcess(streamsPoll), "lk", commit, rules, (topicsB, smtpB, upstreamB) -> {
          probeMax(upstreamA, topicsA, smtpA, LIGHT_WARM_UP, "light warm-up, the product");
          probeMax(upstreamB, topicsB, smtpB, LIGHT_WARM_UP, "light warm-up, poll.ms " + STREAMS_POLL_MS);
          for (int w = 0; w <= windows; w++) {
            Duration length = w == 0 ? Duration.ofSeconds(5) : window;
            int events = produceRandomly(List.of(upstreamA, upstreamB), List.of(topicsA, topicsB), length,
                new Random(w), "light" + w);
            int mails = events * BenchKafka.GROUP_SIZE;
            smtpA.awaitMessages(mails, Duration.ofSeconds(30));
            smtpB.awaitMessages(mails, Duration.ofSeconds(30));
            if (w > 0) {
              product.add(intendedLatencies(smtpA.messages()));
              streamsDefault.add(intendedLatencies(smtpB.messages()));
              BenchMain.log("latency: light load, window %d: %d events; the product %s; poll.ms %d %s", w, events,
                  Stats.percentilesMillis(product.get(w - 1)), STREAMS_POLL_MS,
                  Stats.percentilesMillis(streamsDefault.get(w - 1)));
            }
            smtpA.reset();
            smtpB.reset();
          }
          return null;
        }));
    reportLight(product, streamsDefault, windows, window);
  }

  /**
   * Sends events at the moments of a Poisson process of {@link #LIGHT_RATE} a second over {@code length}, each to
   * every topic at once (one producer each), stamped as {@link #produce} stamps them; returns how many.
   */
  private int produceRandomly(List<KafkaProducer<String, byte[]>> producers, List<Topics> topics, Duration length,
      Random random, String run) {
    long start = System.nanoTime();
    long originMicros = micros(Instant.now());
    long offset = 0;
    int i = 0;
    while (true) {
      offset += (long) (-Math.log(1 - random.nextDouble()) / LIGHT_RATE * 1e9);
      if (offset >= length.toNanos()) {
        break;
      }
      long wait = start + offset - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      String title = "i:" + i + " lat:" + micros(Instant.now()) + " int:" + (originMicros + offset / 1000);
      for (int k = 0; k < producers.size(); k++) {
        producers.get(k).send(new ProducerRecord<>(topics.get(k).events().name(), run + "-" + i,
            BenchKafka.event(run, i, title)));
      }
      i++;
    }
    producers.forEach(KafkaProducer::flush);
    return i;
  }

  /** Each stamped mail's latency from its event's intended send time. */
  private static Histogram intendedLatencies(List<ReceivedMessage> messages) {
    Histogram h = Stats.latencyHistogram();
    for (ReceivedMessage m : messages) {
      Matcher intended = INTENDED.matcher(m.subject().orElse(""));
      if (intended.find()) {
        record(h, micros(m.receivedAt()) - Long.parseLong(intended.group(1)));
      }
    }
    return h;
  }

  static final String LIGHT_SECTION = "4c. End-to-end latency at a light, uneven load";

  private void reportLight(List<Histogram> product, List<Histogram> streamsDefault, int windows, Duration window) {
    Report.Section s = report.section(LIGHT_SECTION);
    Map<String, Double> a = medianPercentiles(product);
    Map<String, Double> b = medianPercentiles(streamsDefault);
    List<String> header = new ArrayList<>(List.of("topology", "mails"));
    a.keySet().forEach(k -> header.add(k + " ms"));
    List<List<String>> rows = new ArrayList<>();
    String productName = "defaults (commit " + StreamsSettings.DEFAULT_COMMIT_INTERVAL.toMillis() + " ms, poll.ms "
        + StreamsApp.pollMillis(StreamsSettings.DEFAULT_COMMIT_INTERVAL) + ")";
    String baselineName = "the same with Kafka Streams' default poll.ms (" + STREAMS_POLL_MS + " ms)";
    rows.add(lightRow(productName, a, product));
    rows.add(lightRow(baselineName, b, streamsDefault));
    s.table(new Report.Table(null, header, rows));
    s.data("light", Map.of("product", a, "streamsDefaultPoll", b, "eventsPerSecond", LIGHT_RATE,
        "windows", windows, "windowSeconds", window.toSeconds()));
    s.note("Load: events at random moments, a Poisson process of " + Report.fmt(LIGHT_RATE) + " a second (a busy "
        + "team's tracker), sent at the same moments to two pipelines side by side, each with its topics, SMTP "
        + "server and upstream producer (linger " + UPSTREAM_LINGER_MS + " ms); each first drains a backlog of "
        + LIGHT_WARM_UP + " events, unreported, then one unreported window of 5 s, then " + windows + " of "
        + window.toSeconds() + " s; each percentile the median of the windows', timed from the intended send time. "
        + "The two differ in one setting: how long a stream thread waits for input (poll.ms). A thread that has "
        + "processed records before its commit interval is over polls for more and commits when that poll returns, "
        + "so with Kafka Streams' default the last events of a burst waited up to " + STREAMS_POLL_MS + " ms in the "
        + "topology; the product polls for a third of its interval, so they wait at most the interval and a third.");
    report.target("latency", "end-to-end p99 at a light, uneven load (" + Report.fmt(LIGHT_RATE) + " events/s at "
        + "random moments), " + productName + " vs " + baselineName + " (reported)",
        Report.fmt(a.get("p99")) + " vs " + Report.fmt(b.get("p99")) + " ms = "
        + Report.times(Stats.ratio(a.get("p99"), b.get("p99"))) + " (p50 " + Report.fmt(a.get("p50")) + " vs "
        + Report.fmt(b.get("p50")) + ")", null);
  }

  /** Each percentile the median of the histograms' (so one noisy run or window moves none of them). */
  /** A row of the light load's table: the topology, its mails over every window, its median percentiles. */
  private static List<String> lightRow(String topology, Map<String, Double> percentiles, List<Histogram> windows) {
    List<String> cells = new ArrayList<>(List.of(topology,
        String.valueOf(windows.stream().mapToLong(Histogram::getTotalCount).sum())));
    percentiles.values().forEach(v -> cells.add(Report.fmt(v)));
    return cells;
  }

  private static Map<String, Double> medianPercentiles(List<Histogram> histograms) {
    List<Map<String, Double>> each = histograms.stream().map(Stats::percentilesMillis).toList();
    Map<String, Double> median = new LinkedHashMap<>();
    each.get(0).keySet().forEach(k -> median.put(k, Stats.median(each.stream().map(m -> m.get(k)).toList())));
    return median;
  }

  /** How many pairs of backlog probes {@link #probeInPairs} makes in a full run. */
  static final int PAIRS = 6;

  /**
   * The maxima of {@code a} and {@code b} probed in alternation on two pipelines started side by side, each with
   * its topics, SMTP server and upstream producer, after one unreported probe of each: pair i probes a then b when
   * i is even, b then a when it is odd. While one drains its backlog the other idles beside it, for both alike.
   * In the rounds a configuration's maximum and the other's are minutes apart, and on this shared machine the CPU a
   * mail costs moves by a third between runs of the same configuration (each run's maximum times its CPU a
   * notification is nearly constant: the machine is the bound); probes seconds apart share that state.
   */
  private PairedMaxima probeInPairs(Configuration a, Configuration b, int probe, int pairs) throws Exception {
    return onPipeline(new InProcess(), "p" + a.tag(), a.commitInterval(), a.rules(), (topicsA, smtpA, upstreamA) ->
        onPipeline(new InProcess(), "p" + b.tag(), b.commitInterval(), b.rules(), (topicsB, smtpB, upstreamB) -> {
          Prober probeA = run -> probeMax(upstreamA, topicsA, smtpA, probe, run + " " + a.tag())
              .notificationsPerSecond();
          Prober probeB = run -> probeMax(upstreamB, topicsB, smtpB, probe, run + " " + b.tag())
              .notificationsPerSecond();
          probeA.max("pair warm-up");
          probeB.max("pair warm-up");
          List<PairedMaxima.Pair> measured = new ArrayList<>();
          for (int i = 0; i < pairs; i++) {
            boolean aFirst = i % 2 == 0;
            double first = (aFirst ? probeA : probeB).max("pair " + i);
            double second = (aFirst ? probeB : probeA).max("pair " + i);
            measured.add(aFirst ? new PairedMaxima.Pair(first, second) : new PairedMaxima.Pair(second, first));
          }
          return new PairedMaxima(measured);
        }));
  }

  /** One pipeline's backlog probe under the given run name: the maximum, in notifications a second. */
  private interface Prober {
    double max(String run) throws InterruptedException;
  }

  /** One configuration of the topology: its name in the report, the tag of its runs' topics, how it runs. */
  private record Configuration(String name, String tag, Duration commitInterval, String rules) {
  }

  /** Where a run's topology and worker run: started for each run on its topics, closed after it. */
  private interface Pipeline {

    void start(Topics topics, String tag, Duration commitInterval, String rules, ScriptableSmtpServer smtp)
        throws Exception;

    void stop() throws Exception;

    /** CPU so far of the JIT compilers of every JVM the pipeline runs in. */
    long jitNanos();
  }

  /** Both in the bench's JVM, with the broker and the SMTP server. */
  private final class InProcess implements Pipeline {
    private final Map<String, String> topologyProperties;
    private AutoCloseable topology;
    private AutoCloseable worker;

    /** The product's topology and worker. */
    InProcess() {
      this(Map.of());
    }

    /** The product's, the topology with these Kafka Streams properties passed through as a cluster's would be. */
    InProcess(Map<String, String> topologyProperties) {
      this.topologyProperties = Map.copyOf(topologyProperties);
    }

    @Override
    public void start(Topics topics, String tag, Duration commitInterval, String rules, ScriptableSmtpServer smtp)
        throws Exception {
      KafkaSettings settings = new KafkaSettings(kafka.bootstrap(), topics.prefix(), Map.of());
      topology = PipelineProcess.runTopology(new KafkaSettings(kafka.bootstrap(), topics.prefix(), topologyProperties),
          "bench-latency-" + tag, commitInterval, rules);
      worker = PipelineProcess.runWorker(settings, "bench-latency-senders-" + tag, smtp.host(), smtp.port(), 8);
    }

    @Override
    public void stop() throws Exception {
      worker.close();
      topology.close();
    }

    @Override
    public long jitNanos() {
      return CpuSplit.jitNanosNow();
    }
  }

  /** Each in a JVM of its own, which serves every run of the scenario. */
  private final class Deployed implements Pipeline {
    private final ChildJvm topology;
    private final ChildJvm worker;

    Deployed(ChildJvm topology, ChildJvm worker) {
      this.topology = topology;
      this.worker = worker;
    }

    @Override
    public void start(Topics topics, String tag, Duration commitInterval, String rules, ScriptableSmtpServer smtp)
        throws Exception {
      topology.command(PipelineProcess.topology(kafka.bootstrap(), topics.prefix(), "bench-latency-" + tag,
          commitInterval, rules), Duration.ofSeconds(90));
      worker.command(PipelineProcess.worker(kafka.bootstrap(), topics.prefix(), "bench-latency-senders-" + tag,
          smtp.host(), smtp.port(), 8), Duration.ofSeconds(60));
    }

    /** Closes the worker and the topology of a run; their JVMs stay for the next. */
    @Override
    public void stop() throws Exception {
      worker.command(PipelineProcess.STOP, Duration.ofSeconds(60));
      topology.command(PipelineProcess.STOP, Duration.ofSeconds(60));
    }

    /** CPU so far of the JIT compilers of the bench's JVM and of both children. */
    @Override
    public long jitNanos() {
      return CpuSplit.jitNanosNow() + CpuSplit.jitNanosNow(topology.pid()) + CpuSplit.jitNanosNow(worker.pid());
    }
  }

  /**
   * The built-in rules with a daily cap for every recipient (high enough never to be reached): every
   * normal mail then counts towards it, so each crosses the repartition by recipient to the policy stage.
   */
  private static java.nio.file.Path cappedRules() throws java.io.IOException {
    String rules;
    try (java.io.InputStream in = StreamsSettings.class.getResourceAsStream("/rules/default-rules.yaml")) {
      rules = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    java.nio.file.Path file = Files.createTempFile("bench-capped-rules-", ".yaml");
    Files.writeString(file, rules + "\ndefaults:\n  recipient: {dailyCap: 1000000}\n");
    return file;
  }

  /**
   * Not reported: rounds through the whole path, in the JVMs that then serve every run, each a backlog of {@code
   * probe} events and then {@link #WARM_UP_STEADY} of events at half the rate it measured, as the runs go, until
   * the JIT compilers of those JVMs together used less than {@link TopologyScenario#JIT_QUIET_CORES} of a core over a
   * round, or {@link #WARM_UP_CAP}. A single backlog left JVMs of their own compiling through the first measured
   * runs, whose maxima came out at half the later runs'. In the bench's JVM, backlogs until the compilers were quiet
   * still left them using a third of a core at half the maximum, and a sixth through the first measured run: a steady
   * load runs code a backlog does not.
   */
  private void warmUp(Pipeline pipeline, int probe) throws Exception {
    onPipeline(pipeline, "w", StreamsSettings.DEFAULT_COMMIT_INTERVAL, PipelineProcess.BUILT_IN_RULES,
        (topics, smtp, upstream) -> {
          long start = System.nanoTime();
          int rounds = 0;
          double jitCores;
          do {
            long jit = pipeline.jitNanos();
            long from = System.nanoTime();
            double max = probeMax(upstream, topics, smtp, probe, "warm-up-" + ++rounds).notificationsPerSecond();
            warmSteady(upstream, topics, smtp, max, "warm-up-steady-" + rounds);
            smtp.reset();
            jitCores = (double) (pipeline.jitNanos() - jit) / (System.nanoTime() - from);
          } while ((rounds < 2 || jitCores >= TopologyScenario.JIT_QUIET_CORES)
              && System.nanoTime() - start < WARM_UP_CAP.toNanos());
          BenchMain.log("latency: warm-up: %d rounds in %.0f s, JIT compilers over the last %.2f of a core",
              rounds, (System.nanoTime() - start) / 1e9, jitCores);
          return null;
        });
  }

  /**
   * Not reported: one run of each configuration, in the order of the first round, as a measured run goes but with
   * {@link #WARM_UP_STEADY} at half its maximum. The warm-up above runs the defaults only: the policy stage of the
   * capped configuration first ran in its first measured run, and the first measured run of all, the defaults',
   * started a pipeline of its own after the warm-up's. In trials the JIT compilers took 0.042 ms a notification in
   * that run's backlog probe (0.35 of a core) and 0.002 to 0.005 in the runs of the second round; in the four sets of
   * runs before this warm-up (with the lighter SMTP server) the first round's ratio of the defaults' maximum to the
   * 100 ms interval's was the lowest of its set (0.63, 0.90, 0.86 and 0.64).
   */
  private void warmEach(List<Configuration> configurations, Pipeline pipeline, int probe) throws Exception {
    long start = System.nanoTime();
    long jit = pipeline.jitNanos();
    for (Configuration c : configurations) {
      onPipeline(pipeline, "w" + c.tag(), c.commitInterval(), c.rules(), (topics, smtp, upstream) -> {
        // each backlog under names of its own: the topology drops an event it has seen
        probeMax(upstream, topics, smtp, probe, "warm-up " + c.tag() + "1");
        double max = probeMax(upstream, topics, smtp, probe, "warm-up " + c.tag() + "2").notificationsPerSecond();
        warmSteady(upstream, topics, smtp, max, "warm-up-steady-" + c.tag());
        return null;
      });
    }
    long nanos = System.nanoTime() - start;
    BenchMain.log("latency: warm-up: one run of each configuration in %.0f s, JIT compilers %.2f of a core",
        nanos / 1e9, (double) (pipeline.jitNanos() - jit) / nanos);
  }

  /**
   * {@link #WARM_UP_STEADY} of events at half of {@code max}, waited for at the server (at most 30 s), as a measured
   * run goes: events stamped as its are (so the topology renders subjects of the same shape), the send topic watched
   * and the collector's pauses recorded, so no code of the measurement first runs, and compiles, in the first
   * measured run. In four of the five sets of runs before this (6 December, at 50 ms) the first measured run, the
   * product's defaults', had the slowest p99 of its configuration (157, 220, 175 and 164 ms, 24 to 71 ms over the
   * slower of the other two). That alone did not even the first run out; the full collection before each measured
   * window ({@link #settle()}) did.
   */
  private void warmSteady(KafkaProducer<String, byte[]> upstream, Topics topics, ScriptableSmtpServer smtp, double max,
      String run) throws InterruptedException {
    double eventsPerSecond = halfLoad(max);
    int events = (int) Math.ceil(eventsPerSecond * WARM_UP_STEADY.toMillis() / 1000);
    try (SendTopicWatch watch = new SendTopicWatch(kafka, topics, i -> true);
        GcPauses gc = GcPauses.record()) {
      produce(upstream, topics, events, eventsPerSecond, MEASURED + "-" + run);
      smtp.awaitMessages(events * BenchKafka.GROUP_SIZE, Duration.ofSeconds(30));
      BenchMain.log("latency: %s: %d visible in the send topic, the collector paused %d times", run,
          watch.timed().size(), gc.pauses().size());
    }
  }

  /** The name of a measured run's events, and the first part of a warm-up's that is stamped as they are. */
  private static final String MEASURED = "lat";

  /** How long each warm-up round runs at half the maximum it measured. */
  static final Duration WARM_UP_STEADY = Duration.ofSeconds(5);

  /** The longest the warm-up runs. */
  static final Duration WARM_UP_CAP = Duration.ofSeconds(120);

  private Topics topics(String tag) {
    Topics topics = Topics.withPrefix("lat-" + tag + ".");
    kafka.createTopics(topics);
    kafka.publishDirectory(topics);
    return topics;
  }

  /** One run: measures a pipeline of its own (see {@link #onPipeline}). */
  private Run runOnce(String name, String tag, Duration commitInterval, String rules, Pipeline pipeline,
      int probe) throws Exception {
    return onPipeline(pipeline, tag, commitInterval, rules,
        (topics, smtp, upstream) -> measureAtHalfMax(name, topics, smtp, upstream, pipeline, probe));
  }

  /** What runs against a started pipeline: its topics, its SMTP server and the upstream producer. */
  private interface OnPipeline<T> {
    T run(Topics topics, ScriptableSmtpServer smtp, KafkaProducer<String, byte[]> upstream) throws Exception;
  }

  /**
   * Starts the pipeline on topics, an SMTP server and an upstream producer of its own for {@code tag}, runs
   * {@code body}, and stops it, also on failure.
   */
  private <T> T onPipeline(Pipeline pipeline, String tag, Duration commitInterval, String rules, OnPipeline<T> body)
      throws Exception {
    Topics topics = topics(tag);
    try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().build().start();
        KafkaProducer<String, byte[]> upstream = upstream()) {
      pipeline.start(topics, tag, commitInterval, rules, smtp);
      try {
        return body.run(topics, smtp, upstream);
      } finally {
        pipeline.stop();
      }
    }
  }

  /**
   * First measures the whole pipeline's maximum (a backlog of {@code probe} events produced at once,
   * mails counted at the server: topology and worker share the machine, so their separate maxima
   * would overstate it), then runs at half of it.
   */
  private Run measureAtHalfMax(String name, Topics topics, ScriptableSmtpServer smtp,
      KafkaProducer<String, byte[]> upstream, Pipeline pipeline, int probe) throws Exception {
    // the first backlog warms this run's app up (its stores, its connections, its caches); the second measures
    probeMax(upstream, topics, smtp, probe, "warm-up");
    Probe max = probeMax(upstream, topics, smtp, probe, "probe");
    double eventsPerSecond = halfLoad(max.notificationsPerSecond());
    int events = (int) Math.ceil(eventsPerSecond * config.latencyWindow().toSeconds());
    int warmup = (int) Math.ceil(eventsPerSecond);
    Histogram visible;
    MachineCpu steady;
    List<ReceivedMessage> got;
    List<GcPauses.Pause> pauses;
    List<LatencyTail.Timed> visibleTimed;
    settle();
    try (SendTopicWatch watch = new SendTopicWatch(kafka, topics, i -> i >= warmup);
        GcPauses gc = GcPauses.record()) {
      MachineCpu.Window window = MachineCpu.open();
      produce(upstream, topics, events, eventsPerSecond, MEASURED);
      try {
        smtp.awaitMessages(events * BenchKafka.GROUP_SIZE, Duration.ofSeconds(30));
      } catch (IllegalStateException notAll) {
        report.section(pipeline instanceof Deployed ? DEPLOYED_SECTION : SECTION)
            .note(name + ": not every mail arrived within 30 s: " + notAll.getMessage());
      }
      got = smtp.messages();
      steady = window.close(got.size());
      visible = watch.visible();
      visibleTimed = watch.timed();
      pauses = gc.pauses();
    }
    BenchMain.log("latency: %s: the collector's pauses by cause: %s", name, pauses.stream().collect(
        Collectors.groupingBy(GcPauses.Pause::collection, TreeMap::new, Collectors.counting())));
    return measure(name, got, events, warmup, eventsPerSecond, max, steady, visible, visibleTimed, pauses);
  }

  /**
   * A full collection of the bench's JVM before each measured window, so every run starts from the same heap: what
   * the pipelines before it left in the old generation (their clients, stores and servers, the mail their SMTP
   * servers kept) is collected now, not by mixed collections within the window. The first measured run, after
   * minutes of warm-up pipelines, had the slowest p99 of its configuration in six of seven sets of runs at 50 ms; in
   * the seventh ({@code latency-warm-watched-2}) the collector paused 83 times (813 ms) in its window, in the
   * defaults' later run 15 times (496 ms).
   */
  private static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(500);
  }

  /** Events a second that make half of {@code maxNotificationsPerSecond}: the load every run measures at. */
  private static double halfLoad(double maxNotificationsPerSecond) {
    return Math.max(1, maxNotificationsPerSecond / 2 / BenchKafka.GROUP_SIZE);
  }

  /** A backlog's rate at the server, and where the machine's CPU went while it drained. */
  record Probe(double notificationsPerSecond, MachineCpu cpu) {
  }

  /** Records a latency, negative as 0 and beyond the histogram's range as its highest value. */
  static void record(Histogram h, long micros) {
    h.recordValue(Math.max(0, Math.min(micros, h.getHighestTrackableValue())));
  }

  /** Notifications per second at the server while a backlog of {@code events} events drains. */
  private Probe probeMax(KafkaProducer<String, byte[]> upstream, Topics topics, ScriptableSmtpServer smtp, int events,
      String run) throws InterruptedException {
    MachineCpu.Window window = MachineCpu.open();
    produce(upstream, topics, events, Double.POSITIVE_INFINITY, run);
    int expected = events * BenchKafka.GROUP_SIZE;
    long deadline = System.nanoTime() + config.latencyWindow().multipliedBy(3).toNanos();
    while (smtp.messageCount() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<ReceivedMessage> got = smtp.messages();
    MachineCpu cpu = window.close(got.size());
    double rate = got.size() < 2 ? 100 : Stats.rate(got.size() - 1,
        Duration.between(got.get(0).receivedAt(), got.get(got.size() - 1).receivedAt()).toNanos());
    Thread.sleep(500);
    smtp.reset();
    BenchMain.log("latency: %s: pipeline maximum %.0f notifications/s (%d of %d mails)", run, rate, got.size(),
        expected);
    return new Probe(rate, cpu);
  }

  /** The upstream system's producer, one a run: the client's defaults but acks=all ({@link #UPSTREAM_LINGER_MS}). */
  private KafkaProducer<String, byte[]> upstream() {
    Properties props = kafka.producerProps();
    props.put(ProducerConfig.LINGER_MS_CONFIG, UPSTREAM_LINGER_MS);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, MachineCpu.UPSTREAM_CLIENT);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends {@code events} events at {@code perSecond} (all at once for infinity) on a fixed schedule; flushes. */
  private void produce(KafkaProducer<String, byte[]> producer, Topics topics, int events, double perSecond,
      String run) {
    Instant origin = Instant.now();
    long start = System.nanoTime();
    long originMicros = micros(origin);
    for (int i = 0; i < events; i++) {
      long offset = Double.isInfinite(perSecond) ? 0 : (long) (i * 1e9 / perSecond);
      long wait = start + offset - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      long intended = originMicros + offset / 1000;
      String title = run.startsWith(MEASURED) ? "i:" + i + " lat:" + micros(Instant.now()) + " int:" + intended
          : "probe " + i;
      producer.send(new ProducerRecord<>(topics.events().name(), run + "-" + i, BenchKafka.event(run, i, title)));
    }
    producer.flush();
  }

  /**
   * The upstream producer's linger: the client's default since Kafka 4.0 (KIP-1030). At 0, sending each event on its
   * own, it made the embedded broker, on the same 2 cores, handle about 0.7 produce requests an event at half the
   * maximum, and it took as much of the machine as the topology's stream thread.
   */
  static final int UPSTREAM_LINGER_MS = 5;

  private static long micros(Instant at) {
    return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
  }

  private Run measure(String config, List<ReceivedMessage> messages, int events, int warmup,
      double eventsPerSecond, Probe max, MachineCpu steady, Histogram visible, List<LatencyTail.Timed> visibleTimed,
      List<GcPauses.Pause> pauses) {
    Histogram fromSent = Stats.latencyHistogram();
    List<LatencyTail.Timed> timed = new ArrayList<>();
    Histogram fromIntended = Stats.latencyHistogram();
    Pattern index = Pattern.compile("i:(\\d+) ");
    int counted = 0;
    for (ReceivedMessage m : messages) {
      String subject = m.subject().orElse("");
      Matcher stamp = STAMP.matcher(subject);
      Matcher intended = INTENDED.matcher(subject);
      Matcher i = index.matcher(subject);
      if (!stamp.find() || !intended.find() || !i.find() || Integer.parseInt(i.group(1)) < warmup) {
        continue;
      }
      long arrived = micros(m.receivedAt());
      long meant = Long.parseLong(intended.group(1));
      record(fromSent, arrived - Long.parseLong(stamp.group(1)));
      record(fromIntended, arrived - meant);
      timed.add(new LatencyTail.Timed(meant, arrived - meant));
      counted++;
    }
    Run result = new Run(max.notificationsPerSecond(), fromIntended, fromSent, visible, eventsPerSecond, counted,
        (events - warmup) * BenchKafka.GROUP_SIZE, max.cpu(), steady, new LatencyTail(timed, visibleTimed, pauses,
        TAIL_BOUND_MICROS));
    BenchMain.log("latency: %s: %d mails at %.0f events/s (max %.0f notifications/s): %s; visible in the send topic %s;"
        + " the bench JVM used %.2f cores, %.3f ms of CPU a notification (backlog %.3f)", config, counted,
        eventsPerSecond, max.notificationsPerSecond(), Stats.percentilesMillis(fromIntended),
        Stats.percentilesMillis(visible), steady.cores(), steady.msPerNotification(), max.cpu().msPerNotification());
    BenchMain.log("latency: %s: %s", config, result.tail().summary());
    return result;
  }

  /** The latency bound of the target, over which {@link LatencyTail} calls a mail slow. */
  static final long TAIL_BOUND_MICROS = 150_000;

  static final String SECTION = "4. End-to-end latency";
  static final String DEPLOYED_SECTION = "4b. End-to-end latency, topology and worker in JVMs of their own";

  private void report(List<Result> results, boolean deployed, PairedMaxima paired) {
    Report.Section s = report.section(deployed ? DEPLOYED_SECTION : SECTION);
    List<String> header = new ArrayList<>(List.of("streams config", "timed from", "pipeline max notifications/s",
        "load events/s", "load notifications/s", "measured mails"));
    results.get(0).corrected().keySet().forEach(k -> header.add(k + " ms"));
    List<List<String>> rows = new ArrayList<>();
    for (Result r : results) {
      for (var entry : List.of(Map.entry("intended send time (corrected)", r.corrected()),
          Map.entry("actual send time", r.fromSent()),
          Map.entry("intended send time, to visible in notifier.send (the topology's part)", r.toSendTopic()))) {
        List<String> row = new ArrayList<>(List.of(r.config(), entry.getKey(),
            Report.fmt(r.max()), Report.fmt(r.eventsPerSecond()),
            Report.fmt(r.eventsPerSecond() * BenchKafka.GROUP_SIZE), r.counted() + " of " + r.expected()));
        entry.getValue().values().forEach(v -> row.add(Report.fmt(v)));
        rows.add(row);
      }
      s.data(r.config(), Map.of("maxNotificationsPerSecond", r.max(),
          "eventsPerSecond", r.eventsPerSecond(), "percentilesMs", r.corrected(),
          "percentilesFromActualSendMs", r.fromSent(), "percentilesToSendTopicMs", r.toSendTopic(),
          "counted", r.counted()));
    }
    s.table(new Report.Table(null, header, rows));
    s.note("After unreported warm-up rounds through the whole path (a backlog, then " + WARM_UP_STEADY.toSeconds()
        + " s at half the rate it measured) until the JIT compilers" + (deployed ? " of the three JVMs together" : "")
        + " used less than " + TopologyScenario.JIT_QUIET_CORES + " of a core over one (at most about "
        + WARM_UP_CAP.toSeconds() + " s), and one unreported run of each configuration (two backlogs, then "
        + WARM_UP_STEADY.toSeconds() + " s at half the maximum; every steady part stamped, watched in the send topic "
        + "and its collector's pauses recorded, as a measured run is), each configuration ran " + config.repetitions()
        + " times, each round in another order (A B C, B C A, C A B), each run's window after a full collection of the "
        + "bench's JVM; a row gives the median of its runs' maxima "
        + "and loads, and each percentile the median of its runs'. Each run's maximum and corrected p99, in the "
        + "order they ran: "
        + String.join("; ", results.stream().map(r -> r.config() + ": " + String.join(", ", r.runs().stream()
            .map(run -> Report.fmt(run.max()) + "/s and " + Report.fmt(Stats.percentilesMillis(
                run.intendedHistogram()).get("p99")) + " ms").toList())).toList()) + ".");
    s.note("Where the slow mail came from, run by run in the order they ran (mails over "
        + TAIL_BOUND_MICROS / 1000 + " ms, corrected, grouped by their events' intended send times into episodes of "
        + "consecutive 100 ms slices of the schedule, and the garbage collector's pauses of the bench's JVM within "
        + "each episode's reach, from its first intended send time to its last plus its slowest mail's latency"
        + (deployed ? "; here only the broker's, the SMTP server's and the load's: the StreamsApp and the worker pause "
        + "in JVMs of their own" : "") + "): "
        + String.join(" ", results.stream().flatMap(r -> {
          List<String> each = new ArrayList<>();
          for (int i = 0; i < r.runs().size(); i++) {
            each.add(r.config() + ", run " + (i + 1) + ": " + r.runs().get(i).tail().summary() + ".");
          }
          return each.stream();
        }).toList()));
    s.note("Load: 50 % of the pipeline's maximum, measured just before each run with a backlog of events produced at "
        + "once (mails counted at the server: topology and worker share the machine), on a fixed-rate schedule; the "
        + "first second of events is warm-up and not counted.");
    s.note("Corrected: each mail is timed from the moment the schedule meant its event to be sent, so a producer "
        + "that falls behind does not hide the wait (coordinated omission); the actual-send row times from when it "
        + "was sent; the third row times each notification to the moment a read_committed consumer of notifier.send "
        + "(as a worker reads it) received it, so the rest of the end-to-end figure is the worker's fetch and SMTP.");
    s.note(!deployed ? "Processes: the broker, the producer, the SMTP server, the send-topic watch, the StreamsApp "
        + "and the worker all share the bench's JVM (and its collector's pauses) on one 2-core machine."
        : "Processes: the broker, the producer, the SMTP server and the send-topic watch share the bench's JVM; "
        + "the StreamsApp and the worker each run in a JVM of their own, as deployed: the image's options "
        + "(-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError) with -XX:MaxRAM standing in for the memory limit "
        + "of their Kubernetes manifests (StreamsApp " + PipelineProcess.TOPOLOGY_LIMIT + ", the JVM's choice of "
        + "collector there on two cores: G1; worker " + PipelineProcess.WORKER_LIMIT + ", serial, the JVM's choice "
        + "below 1792 MB), so a collection in one pauses neither of the others. All on one 2-core machine.");
    s.note("Path: producer (acks=all, linger " + UPSTREAM_LINGER_MS + " ms: the client's default) → notifier.events "
        + "→ StreamsApp (exactly_once_v2, committed as the row says; "
        + "the built-in rules set no digest, quiet hours or cap, so mail is rendered in the events' own transaction, "
        + "one hop; with every recipient capped it crosses the by-recipient repartition to the policy stage, two "
        + "transactional hops) → notifier.send (read_committed) → 1 worker, 8 connections → testkit SMTP server "
        + "(arrival stamped).");
    if (!deployed) {
      cpuTable(s, results);
    }
    Result product = results.get(0);
    Result former = results.get(1);
    Result policyStage = results.get(2);
    if (deployed) {
      String where = " (topology and worker in JVMs of their own, reported)";
      for (Result r : results) {
        report.target("latency", "end-to-end p99 at 50 % of measured max, corrected, " + r.config() + where,
            Report.fmt(r.corrected().get("p99")) + " ms (p50 " + Report.fmt(r.corrected().get("p50")) + ", max "
            + Report.fmt(r.max()) + " notifications/s)", null);
      }
    } else {
      targets(product, former, policyStage, paired);
      pairedNote(s, product, former, paired);
    }
  }

  private static void pairedNote(Report.Section s, Result product, Result former, PairedMaxima paired) {
    s.note("Maxima in pairs (the target's figure): after the rounds, the " + product.config() + " and the "
        + former.config() + " ran side by side, each on a pipeline of its own, and their backlog probes alternated ("
        + "A B, B A, ...), each pair seconds apart, after one unreported probe of each: " + paired.listed()
        + "; the median of the pairs' ratios " + Report.times(paired.ratio()) + ". The rounds compare runs minutes "
        + "apart, and between runs of one configuration the CPU a mail costs the machine moves by as much as a "
        + "third, its maximum with it.");
    s.data("pairedMaxima", Map.of("ratio", paired.ratio(), "pairs", paired.pairs().stream()
        .map(p -> List.of(p.a(), p.b())).toList()));
  }

  /**
   * Where the machine's CPU went, per configuration, at half the maximum and while the backlog probe before it
   * drained: the cores the bench's JVM used, and each part's CPU per delivered notification.
   */
  private static void cpuTable(Report.Section s, List<Result> results) {
    List<String> header = new ArrayList<>(List.of("streams config", "window", "cores used (of 2)",
        "CPU ms a notification"));
    MachineCpu.PARTS.forEach(p -> header.add(p + " ms"));
    List<List<String>> rows = new ArrayList<>();
    for (Result r : results) {
      for (boolean steady : List.of(false, true)) {
        List<String> row = new ArrayList<>(List.of(r.config(),
            steady ? "at half the maximum" : "backlog probe (the maximum)",
            Report.fmt(r.cpu(steady, MachineCpu::cores)), Report.fmt(r.cpu(steady, MachineCpu::msPerNotification))));
        MachineCpu.PARTS.forEach(p -> row.add(Report.fmt(r.cpu(steady, c -> c.msPerNotification(p)))));
        rows.add(row);
      }
    }
    s.table(new Report.Table("Where the machine's CPU went (medians of the runs)", header, rows));
    s.note("CPU: every thread of the bench's JVM over the window, told by name: the topology's (its stream thread, "
        + "producer, consumer), the worker's (its lanes, poll loop, status producer), the SMTP server's, the load's "
        + "(the upstream producer, the bench's own threads and the send-topic watch), the embedded broker's (every "
        + "other Java thread), then the JIT compilers, the garbage collector and the rest of the process (RocksDB's "
        + "native threads among them), per mail delivered in the window. The backlog window runs from the first "
        + "event of the probe to its last mail; the steady one over the whole fixed-rate schedule, its first "
        + "second included, to its last mail. At half the maximum each mail costs the machine more than under a "
        + "backlog: records arrive a few at a time, so every poll, fetch, produce request and commit is shared by "
        + "fewer of them.");
  }

  private void targets(Result product, Result former, Result policyStage, PairedMaxima paired) {
    Double p99 = product.corrected().get("p99");
    report.target("latency", "end-to-end p99 < 150 ms at 50 % of measured max, corrected for coordinated omission, "
        + product.config(),
        Report.fmt(p99) + " ms (p50 " + Report.fmt(product.corrected().get("p50")) + ", max "
        + Report.fmt(product.corrected().get("max")) + "; from actual send: p99 "
        + Report.fmt(product.fromSent().get("p99")) + ")", product.counted() == 0 ? null : p99 < 150);
    double rounds = Stats.ratio(product.max(), former.max());
    double ratio = paired.ratio();
    report.target("latency", "pipeline max, " + product.config() + " ≥ 0.9 × " + former.config()
        + ": the median ratio of " + paired.pairs().size() + " pairs of probes made in alternation",
        Report.times(ratio, 0.9) + " (pairs' medians " + Report.fmt(paired.medianA()) + " vs "
        + Report.fmt(paired.medianB()) + " notifications/s); the rounds' medians " + Report.fmt(product.max())
        + " vs " + Report.fmt(former.max()) + " = " + Report.times(rounds),
        Double.isNaN(ratio) ? null : ratio >= 0.9);
    report.target("latency", "end-to-end p99, " + policyStage.config() + " (reported)",
        Report.fmt(policyStage.corrected().get("p99")) + " ms (p50 " + Report.fmt(policyStage.corrected().get("p50"))
        + ")", null);
    report.target("latency", "end-to-end p99, " + former.config() + " (reported)",
        Report.fmt(former.corrected().get("p99")) + " ms (p50 " + Report.fmt(former.corrected().get("p50")) + ")",
        null);
  }
}
