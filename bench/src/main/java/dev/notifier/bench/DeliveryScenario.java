package dev.notifier.bench;

import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.config.Transport;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.net.LatencyProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Scenario 2: M ready notifications (about 2 KB each) in the send topic, delivered by 1 and 2
 * {@link SenderWorker}s to the sink at 1 and 8 SMTP connections, against baselines on the same sink
 * with the same message: (a) Postfix's smtp-source, the machine's SMTP limit; (b) a bare Angus Mail
 * loop; (c) Simple Java Mail's pooled batch sender; (d) the naive Transport.send per message.
 * The account's limits are far above what the sink can take, so nothing is throttled.
 */
final class DeliveryScenario {

  static final String ACCOUNT = "default";
  static final String SMTP_SOURCE = "smtp-source -d (a)";
  static final String WORKER = "notifier, 1 worker";
  /** The worker with its accounts on Angus Mail ({@code transport: angus}): one command, one round trip. */
  static final String WORKER_ANGUS = "notifier, 1 worker, Angus transport";
  /**
   * The worker with a day quota far above the run ({@link #WITH_QUOTA}): every send reserved on the usage topic, and
   * acknowledged, before it starts; what the quota's crash-safety costs.
   */
  static final String WORKER_QUOTA = "notifier, 1 worker, day quota";
  /** The shortest run of a one-connection RTT row: at 80 ms a message takes up to 4 × 80 ms. */
  static final Duration RTT_ONE_CONNECTION_CAP = Duration.ofSeconds(8);
  /** Round-trip times added by a latency proxy for the far-provider rows (besides loopback's ~0 ms). */
  static final List<Integer> RTTS_MS = List.of(20, 80);
  /** High enough never to throttle (the highest rate the throttle accepts). */
  static final Limits UNTHROTTLED = new Limits(1_000_000, 1_000_000, null, null);
  /** As {@link #UNTHROTTLED}, with a day quota no run reaches: the sends are counted and reserved, never held. */
  static final Limits WITH_QUOTA = new Limits(1_000_000, 1_000_000, null, 1_000_000_000, 0.0);

  private final BenchKafka kafka;
  private final BenchConfig config;
  private final Report report;
  private final Topics topics = Topics.withPrefix("dlv.");

  DeliveryScenario(BenchKafka kafka, BenchConfig config, Report report) {
    this.kafka = kafka;
    this.config = config;
    this.report = report;
  }

  Topics topics() {
    return topics;
  }

  /**
   * Every variant {@link BenchConfig#repetitions()} times, interleaved (each repetition runs every
   * variant once, in the same order), so that what the machine's other load does to one run falls
   * on the product and the baselines alike; the report takes the median of each.
   */
  List<DeliveryRun> run(Sink sink) throws Exception {
    kafka.createTopics(topics);
    kafka.publishNotifications(topics, "dlv", config.notifications(), ACCOUNT);
    MailBaselines baselines = new MailBaselines(sink.host(), sink.port());
    int m = config.notifications();
    Duration cap = config.deliveryCap();
    // warm-up, not reported: whichever runs first would otherwise pay for the JIT compiling the MIME code
    baselines.angusLoop(2, Math.min(m, 2_000), Duration.ofSeconds(5));
    baselines.angusSetText(2, Math.min(m, 2_000), Duration.ofSeconds(5));
    workers(sink, 1, 2, Math.min(m, 2_000), Duration.ofSeconds(5), "warm");
    List<DeliveryRun> runs = new ArrayList<>();
    for (int rep = 1; rep <= config.repetitions(); rep++) {
      for (int conns : List.of(1, 8)) {
        if (sink instanceof Sink.Postfix) {
          runs.add(log(smtpSource(sink, conns, m, cap)));
        }
        runs.add(log(baselines.angusLoop(conns, m, cap)));
        runs.add(log(baselines.angusSetText(conns, m, cap)));
        runs.add(log(baselines.simpleJavaMail(conns, m, cap)));
        runs.add(log(baselines.naive(conns, m, cap)));
        runs.add(log(workers(sink, 1, conns, m, cap, "r" + rep)));
        if (conns == 1) {
          runs.add(log(workers(sink, 1, conns, m, cap, "r" + rep + "-angus", Transport.ANGUS)));
        }
        runs.add(log(workers(sink, 1, conns, m, cap, "r" + rep + "-quota", Transport.AUTO, WITH_QUOTA)));
      }
      runs.add(log(workers(sink, 2, 4, m, cap, "r" + rep)));
      for (int rtt : RTTS_MS) {
        runs.addAll(withRtt(sink, rtt, m, cap, "r" + rep));
      }
    }
    return runs;
  }

  /**
   * The 8-connection rows once more through a {@link LatencyProxy} adding {@code rttMs} to every round
   * trip, as a provider that far away would: smtp-source -d, the fair Angus loop and one worker; and
   * the one-connection rows where pipelining shows (issue 15): the Angus loop, and one worker on each
   * transport, each run at least {@link #RTT_ONE_CONNECTION_CAP}.
   */
  private List<DeliveryRun> withRtt(Sink sink, int rttMs, int m, Duration cap, String run) throws Exception {
    List<DeliveryRun> runs = new ArrayList<>();
    try (Sink far = sink.through(LatencyProxy.start(sink.host(), sink.port(), Duration.ofMillis(rttMs)))) {
      MailBaselines baselines = new MailBaselines(far.host(), far.port());
      if (sink instanceof Sink.Postfix) {
        runs.add(log(rtt(smtpSource(far, 8, m, cap), rttMs)));
      }
      runs.add(log(rtt(baselines.angusLoop(8, m, cap), rttMs)));
      runs.add(log(rtt(workers(far, 1, 8, m, cap, run + "-rtt" + rttMs), rttMs)));
      Duration oneCap = cap.compareTo(RTT_ONE_CONNECTION_CAP) > 0 ? cap : RTT_ONE_CONNECTION_CAP;
      runs.add(log(rtt(baselines.angusLoop(1, m, oneCap), rttMs)));
      runs.add(log(rtt(workers(far, 1, 1, m, oneCap, run + "-rtt" + rttMs + "-angus", Transport.ANGUS), rttMs)));
      runs.add(log(rtt(workers(far, 1, 1, m, oneCap, run + "-rtt" + rttMs), rttMs)));
    }
    return runs;
  }

  private static DeliveryRun rtt(DeliveryRun r, int rttMs) {
    return new DeliveryRun(r.name() + rttSuffix(rttMs), r.connections(), r.sent(), r.target(), r.rate(), r.cpuNanos());
  }

  static String rttSuffix(int rttMs) {
    return ", RTT " + rttMs + " ms";
  }

  private static DeliveryRun log(DeliveryRun r) {
    BenchMain.log("delivery: %s, %d connection(s): %s messages, %.0f msg/s", r.name(), r.connections(),
        r.completion(), r.rate());
    return r;
  }

  /**
   * {@code workers} sender workers with {@code poolSize} connections each, one new consumer group
   * (named after {@code run}) reading the send topic from its start. The run's mail is counted at
   * the sink as it arrives: committed send offsets would also count mail deferred to a retry topic.
   */
  DeliveryRun workers(Sink sink, int workers, int poolSize, int count, Duration cap, String run) throws Exception {
    return workers(sink, workers, poolSize, count, cap, run, Transport.AUTO);
  }

  /** As above, with the account's connections on {@code transport} (auto: pipelining where the sink offers it). */
  DeliveryRun workers(Sink sink, int workers, int poolSize, int count, Duration cap, String run, Transport transport)
      throws Exception {
    return workers(sink, workers, poolSize, count, cap, run, transport, UNTHROTTLED);
  }

  /** As above, with the account's {@code limits}. */
  DeliveryRun workers(Sink sink, int workers, int poolSize, int count, Duration cap, String run, Transport transport,
      Limits limits) throws Exception {
    String group = "bench-senders-w" + workers + "c" + poolSize + "-" + run;
    KafkaSettings settings = new KafkaSettings(kafka.bootstrap(), topics.prefix(), Map.of());
    AccountSettings account = AccountSettings.local(ACCOUNT, sink.host(), sink.port(), MailContent.FROM)
        .withPoolSize(poolSize).withLimits(limits).withTransport(transport);
    skipEarlierRetries(kafka, topics, group);
    if (limits.hasQuota()) {
      clearUsage(kafka, topics);
    }
    long failuresBefore = failures();
    long failed;
    List<SenderWorker> running = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long cpu0 = Cpu.processNanos();
    BenchKafka.Progress progress;
    long workerCpu;
    try {
      for (int w = 1; w <= workers; w++) {
        WorkerSettings ws = new WorkerSettings(group, group + "-" + w, null, List.of(account));
        SenderWorker worker = new SenderWorker(WorkerContext.builder(settings, ws).build());
        running.add(worker);
        Thread t = new Thread(worker, group + "-" + w + "-poll");
        t.start();
        threads.add(t);
      }
      long before = sink.received();
      progress = BenchKafka.watch(() -> sink.received() - before, count, cap);
      workerCpu = Cpu.threadsNanos(group);
      // counted before the workers stop: what a stopping worker hands over through the wait tiers
      // (mail it fetched but did not send) is not a failure
      failed = failures() - failuresBefore;
    } finally {
      running.forEach(SenderWorker::close);
      for (Thread t : threads) {
        t.join(20_000);
      }
    }
    long cpu = Cpu.processNanos() - cpu0;
    if (failed > 0 && !"warm".equals(run)) {
      report.section("2. Delivery throughput").note(group + ": " + failed
          + " notifications went through the retry topics or were dead-lettered while the run was measured"
          + " (retried after a refusal or time-out, or handed over on a rebalance)");
    }
    String name = workers > 1 ? "notifier, " + workers + " workers × " + poolSize
        : transport == Transport.ANGUS ? WORKER_ANGUS : limits.hasQuota() ? WORKER_QUOTA : WORKER;
    report.section("2. Delivery throughput").data(group + "WorkerCpuNanos", workerCpu);
    return new DeliveryRun(name, workers * poolSize, progress.done(), count, progress.rate(), cpu);
  }

  /**
   * Empties the usage topic before a run with a quota: a worker starting reads the last day of it before its first
   * quota send, and the runs before would otherwise make each run's start read more (hundreds of thousands of
   * records by the last repetition), its CPU counted against a shorter run's messages. A run measures the steady
   * state of sending, as the rows without a quota do.
   */
  static void clearUsage(BenchKafka kafka, Topics topics) throws Exception {
    Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
    kafka.offsets(topics.usage().name(), OffsetSpec.latest())
        .forEach((tp, end) -> delete.put(tp, RecordsToDelete.beforeOffset(end)));
    try (Admin admin = kafka.admin()) {
      admin.deleteRecords(delete).all().get();
    }
  }

  /**
   * Starts {@code group}'s retry consumer at the end of the retry topics. Every run reads the same
   * send topic under a new group, and a new group reads from the earliest offset: without this its
   * retry consumer would also deliver what earlier runs left in the retry topics (a stopping worker
   * hands over through the wait tiers the mail it fetched but did not send), mail the run's
   * progress, which counts the send topic only, does not see.
   */
  static void skipEarlierRetries(BenchKafka kafka, Topics topics, String group) throws Exception {
    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
    for (Topic<String, ?> t : topics.retryTopics()) {
      for (int p = 0; p < kafka.partitions(); p++) {
        ends.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
      }
    }
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
      admin.listOffsets(ends).all().get().forEach((tp, info) -> start.put(tp, new OffsetAndMetadata(info.offset())));
      admin.alterConsumerGroupOffsets(SenderWorker.retryGroup(group), start).all().get();
    }
  }

  private long failures() throws Exception {
    long n = kafka.endOffsets(topics.deadLetters().name());
    for (Topic<String, ?> t : topics.retryTopics()) {
      n += kafka.endOffsets(t.name());
    }
    return n;
  }

  /**
   * (a) Postfix's smtp-source: {@code -m count} messages of 2 KB over {@code -s conns} sessions,
   * each session one connection reused for every message it sends ({@code -d}, as the worker
   * reuses its pooled connections; without it smtp-source opens a connection per message), timed and
   * counted at the sink.
   */
  DeliveryRun smtpSource(Sink sink, int conns, int count, Duration cap) throws Exception {
    List<String> command = List.of(Sink.SMTP_SOURCE.toString(), "-d", "-l", "2048", "-m", String.valueOf(count),
        "-s", String.valueOf(conns), "-f", MailContent.FROM, "-t", MailContent.TO,
        sink.host() + ":" + sink.port());
    long before = sink.received();
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    boolean finished = p.waitFor(cap.toMillis(), TimeUnit.MILLISECONDS);
    long nanos = System.nanoTime() - start;
    if (!finished) {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    // the sink prints its counter as each message ends; give its reader a moment to catch up
    long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (sink.received() - before < count && System.nanoTime() < settle) {
      Thread.sleep(5);
    }
    long sent = Math.min(count, sink.received() - before);
    return new DeliveryRun(SMTP_SOURCE, conns, sent, count, Stats.rate(sent, nanos), -1);
  }

  /** The runs of one variant (sender and connection count) and their medians. */
  record Variant(String name, int connections, List<DeliveryRun> runs) {

    double rate() {
      return Stats.median(runs.stream().map(DeliveryRun::rate).toList());
    }

    double cpuMillisPerMessage() {
      return Stats.median(runs.stream().filter(r -> r.cpuNanos() >= 0 && r.sent() > 0)
          .map(r -> r.cpuNanos() / 1e6 / r.sent()).toList());
    }

    String rates() {
      return String.join(", ", runs.stream().map(r -> Report.fmt(r.rate())).toList());
    }

    String messages() {
      return String.join(", ", runs.stream().map(r -> String.valueOf(r.sent())).toList());
    }
  }

  /** The variants in the order they first ran. */
  static List<Variant> variants(List<DeliveryRun> runs) {
    Map<String, Variant> byKey = new java.util.LinkedHashMap<>();
    for (DeliveryRun r : runs) {
      byKey.computeIfAbsent(r.name() + "@" + r.connections(), k -> new Variant(r.name(), r.connections(),
          new ArrayList<>())).runs().add(r);
    }
    return List.copyOf(byKey.values());
  }

  void report(List<DeliveryRun> runs, Sink sink) {
    Report.Section s = report.section("2. Delivery throughput");
    List<Variant> variants = variants(runs);
    List<List<String>> rows = new ArrayList<>();
    for (Variant v : variants) {
      rows.add(List.of(v.name(), String.valueOf(v.connections()), Report.fmt(v.rate()), v.rates(), v.messages(),
          Report.fmt(v.cpuMillisPerMessage())));
      s.data(v.name() + " c" + v.connections(), Map.of("rateMedian", v.rate(),
          "rates", v.runs().stream().map(DeliveryRun::rate).toList(),
          "sent", v.runs().stream().map(DeliveryRun::sent).toList(),
          "processCpuMsPerMessage", v.cpuMillisPerMessage()));
    }
    s.table(new Report.Table(null, List.of("sender", "SMTP connections", "msg/s (median)", "msg/s per run",
        "messages per run", "process CPU ms/msg"), rows));
    s.note("Each variant ran " + config.repetitions() + " times, interleaved with the others in one run; each run "
        + "stops at " + config.notifications() + " messages or after " + config.deliveryCap().toSeconds()
        + " s, whichever comes first, and its rate is taken over what it sent.");
    s.note("Sink: " + sink.kind() + " on 127.0.0.1; message: multipart/alternative, "
        + (MailContent.TEXT.length() + MailContent.HTML.length()) + " bytes of text + HTML body (smtp-source: -l 2048).");
    s.note("The notifier's mail is counted at the sink as it arrives (mail deferred to a retry topic is not "
        + "counted); smtp-source's too.");
    s.note("(a) smtp-source -d keeps each session's connection for all its messages, as the worker keeps its "
        + "pooled connections. (b) builds each message with the worker's MessageFactory (bodies encoded once into "
        + "bytes); (b′), (c) and (d) build bodies with setText, encoded while written.");
    s.note("RTT rows: the sender connects to a testkit LatencyProxy on 127.0.0.1 that holds every byte for half the "
        + "RTT each way (no bandwidth limit) in front of the same sink; without pipelining each message waits for "
        + "several round trips.");
    s.note("\"notifier, 1 worker\" runs the default transport (auto: the pipelining client, RFC 2920, since the sink "
        + "offers PIPELINING), which sends the deliveries queued for a connection together: a message's data, its end "
        + "of data and the next message's MAIL, RCPT and DATA in one write, so about one round trip a message; "
        + "\"Angus transport\" is the same worker with transport: angus (four round trips a message).");
    s.note("\"day quota\" is the same worker with a day quota no run reaches: each send is reserved on the usage "
        + "topic (a record written and acknowledged) before it starts, and counted in it after; the worker reads "
        + "every record of that topic back. The usage topic is emptied before each such run, so that a run measures "
        + "sending, not the start-up read of the runs before.");
    s.note("Process CPU includes the embedded broker for the notifier rows (the worker writes a SENT status per message).");
    double worker1 = rate(variants, WORKER, 1);
    double worker8 = rate(variants, WORKER, 8);
    target("1 worker, 1 conn ≥ 1.0 × bare Angus loop, pre-encoded (b)", 1.0, worker1,
        rate(variants, MailBaselines.ANGUS, 1));
    target("1 worker, 8 conn ≥ 0.5 × smtp-source -d, 8 sessions (a)", 0.5, worker8, rate(variants, SMTP_SOURCE, 8));
    for (int conns : List.of(1, 8)) {
      double worker = conns == 1 ? worker1 : worker8;
      target("1 worker, " + conns + " conn ≥ 2.0 × naive Transport.send (d), " + conns + " conn", 2.0, worker,
          rate(variants, MailBaselines.NAIVE, conns));
    }
    target("1 worker, 8 conn ≥ 0.8 × bare Angus loop, pre-encoded (b), 8 conn", 0.8, worker8,
        rate(variants, MailBaselines.ANGUS, 8));
    for (int conns : List.of(1, 8)) {
      double worker = conns == 1 ? worker1 : worker8;
      target("1 worker, " + conns + " conn ≥ 1.1 × Simple Java Mail (c)", 1.1, worker,
          rate(variants, MailBaselines.SIMPLE_JAVA_MAIL, conns));
      target("1 worker / bare Angus loop, setText (b′), " + conns + " conn (reported)", Double.NaN, worker,
          rate(variants, MailBaselines.ANGUS_SET_TEXT, conns));
    }
    target("1 worker / smtp-source -d (a), 1 session (reported)", Double.NaN, worker1, rate(variants, SMTP_SOURCE, 1));
    target("1 worker, 1 conn / the same worker on the Angus transport, 0 ms RTT (reported)", Double.NaN, worker1,
        rate(variants, WORKER_ANGUS, 1));
    for (int conns : List.of(1, 8)) {
      target("1 worker with a day quota (each send reserved first) / the same worker without, " + conns
          + " conn (reported)", Double.NaN, rate(variants, WORKER_QUOTA, conns), conns == 1 ? worker1 : worker8);
    }
    for (int rtt : RTTS_MS) {
      String suffix = rttSuffix(rtt);
      target("1 worker, 1 conn" + suffix + " ≥ 2.5 × bare Angus loop, pre-encoded (b), 1 conn", 2.5,
          rate(variants, WORKER + suffix, 1), rate(variants, MailBaselines.ANGUS + suffix, 1));
      target("1 worker, 1 conn" + suffix + " / the same worker on the Angus transport (reported)", Double.NaN,
          rate(variants, WORKER + suffix, 1), rate(variants, WORKER_ANGUS + suffix, 1));
      double far = rate(variants, WORKER + suffix, 8);
      target("1 worker / bare Angus loop, pre-encoded (b), 8 conn" + suffix + " (reported)", Double.NaN, far,
          rate(variants, MailBaselines.ANGUS + suffix, 8));
      target("1 worker / smtp-source -d (a), 8 sessions" + suffix + " (reported)", Double.NaN, far,
          rate(variants, SMTP_SOURCE + suffix, 8));
    }
  }

  /** A target row; a NaN factor makes it a reported ratio with no target. */
  private void target(String what, double factor, double worker, double base) {
    double ratio = Stats.ratio(worker, base);
    report.target("delivery", what, Report.fmt(worker) + " vs " + Report.fmt(base) + " msg/s = " + Report.times(ratio, factor),
        Double.isNaN(ratio) || Double.isNaN(factor) ? null : ratio >= factor);
  }

  static double rate(List<Variant> variants, String name, int conns) {
    return variants.stream().filter(v -> v.name().equals(name) && v.connections() == conns)
        .mapToDouble(Variant::rate).findFirst().orElse(Double.NaN);
  }
}
