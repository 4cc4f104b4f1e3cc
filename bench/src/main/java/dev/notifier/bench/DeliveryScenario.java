package dev.notifier.bench;

import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.config.WorkerSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
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
  /** High enough never to throttle (the highest rate the throttle accepts). */
  static final Limits UNTHROTTLED = new Limits(1_000_000, 1_000_000, null, null);

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

  List<DeliveryRun> run(Sink sink) throws Exception {
    kafka.createTopics(topics);
    kafka.publishNotifications(topics, "dlv", config.notifications(), ACCOUNT);
    MailBaselines baselines = new MailBaselines(sink.host(), sink.port());
    int m = config.notifications();
    Duration cap = config.deliveryCap();
    // warm-up, not reported: whichever runs first would otherwise pay for the JIT compiling the MIME code
    baselines.angusLoop(2, Math.min(m, 2_000), Duration.ofSeconds(5));
    workers(sink, 1, 2, Math.min(m, 2_000), Duration.ofSeconds(5));
    List<DeliveryRun> runs = new ArrayList<>();
    for (int conns : List.of(1, 8)) {
      if (sink instanceof Sink.Postfix) {
        runs.add(smtpSource(sink, conns, m, cap));
      }
      runs.add(log(baselines.angusLoop(conns, m, cap)));
      runs.add(log(baselines.simpleJavaMail(conns, m, cap)));
      runs.add(log(baselines.naive(conns, m, cap)));
      runs.add(log(workers(sink, 1, conns, m, cap)));
    }
    runs.add(log(workers(sink, 2, 4, m, cap)));
    return runs;
  }

  private static DeliveryRun log(DeliveryRun r) {
    BenchMain.log("delivery: %s, %d connection(s): %s messages, %.0f msg/s", r.name(), r.connections(),
        r.completion(), r.rate());
    return r;
  }

  /** {@code workers} sender workers with {@code poolSize} connections each, one consumer group. */
  DeliveryRun workers(Sink sink, int workers, int poolSize, int count, Duration cap) throws Exception {
    String group = "bench-senders-w" + workers + "c" + poolSize;
    KafkaSettings settings = new KafkaSettings(kafka.bootstrap(), topics.prefix(), Map.of());
    AccountSettings account = AccountSettings.local(ACCOUNT, sink.host(), sink.port(), MailContent.FROM)
        .withPoolSize(poolSize).withLimits(UNTHROTTLED);
    skipEarlierRetries(kafka, topics, group);
    long failuresBefore = failures();
    long failed;
    List<SenderWorker> running = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long cpu0 = Cpu.processNanos();
    BenchKafka.Progress progress;
    long workerCpu;
    try (Admin admin = kafka.admin()) {
      for (int w = 1; w <= workers; w++) {
        WorkerSettings ws = new WorkerSettings(group, group + "-" + w, null, List.of(account));
        SenderWorker worker = new SenderWorker(WorkerContext.builder(settings, ws).build());
        running.add(worker);
        Thread t = new Thread(worker, group + "-" + w + "-poll");
        t.start();
        threads.add(t);
      }
      progress = BenchKafka.watch(() -> BenchKafka.committed(admin, group, topics.send().name()), count, cap);
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
    if (failed > 0) {
      report.section("2. Delivery throughput").note(group + ": " + failed
          + " notifications went through the retry topics or were dead-lettered while the run was measured"
          + " (retried after a refusal or time-out, or handed over on a rebalance)");
    }
    String name = workers == 1 ? "notifier, 1 worker" : "notifier, " + workers + " workers × " + poolSize;
    report.section("2. Delivery throughput").data(group + "WorkerCpuNanos", workerCpu);
    return new DeliveryRun(name, workers * poolSize, progress.done(), count, progress.rate(), cpu);
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

  /** (a) Postfix's smtp-source: {@code -m count} messages of 2 KB over {@code -s conns} sessions, timed. */
  DeliveryRun smtpSource(Sink sink, int conns, int count, Duration cap) throws Exception {
    List<String> command = List.of(Sink.SMTP_SOURCE.toString(), "-c", "-l", "2048", "-m", String.valueOf(count),
        "-s", String.valueOf(conns), "-f", MailContent.FROM, "-t", MailContent.TO,
        sink.host() + ":" + sink.port());
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    long[] counter = {0};
    Thread reader = new Thread(() -> readCounter(p, counter), "bench-smtp-source-out");
    reader.start();
    boolean finished = p.waitFor(cap.toMillis(), TimeUnit.MILLISECONDS);
    long nanos = System.nanoTime() - start;
    if (!finished) {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    reader.join(5_000);
    long sent = finished && p.exitValue() == 0 ? count : counter[0];
    return log(new DeliveryRun("smtp-source (a)", conns, sent, count, Stats.rate(sent, nanos), -1));
  }

  /** smtp-source -c prints a running count separated by carriage returns. */
  private static void readCounter(Process p, long[] counter) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
      StringBuilder digits = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (Character.isDigit(c)) {
          digits.append((char) c);
        } else if (digits.length() > 0) {
          counter[0] = Long.parseLong(digits.toString());
          digits.setLength(0);
        }
      }
    } catch (java.io.IOException | NumberFormatException ignored) {
      // the count so far stands
    }
  }

  void report(List<DeliveryRun> runs, Sink sink) {
    Report.Section s = report.section("2. Delivery throughput");
    List<List<String>> rows = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (DeliveryRun r : runs) {
      double cpuMs = r.cpuNanos() < 0 || r.sent() == 0 ? Double.NaN : r.cpuNanos() / 1e6 / r.sent();
      rows.add(List.of(r.name(), String.valueOf(r.connections()), r.completion(), Report.fmt(r.rate()),
          Report.fmt(cpuMs)));
      names.add(r.name().replace(" (a)", "").replace(" (b)", "").replace(" (c)", "").replace(" (d)", "")
          + " ×" + r.connections());
      rates.add(r.rate());
      s.data(r.name() + " c" + r.connections(), Map.of("sent", r.sent(), "target", r.target(), "rate", r.rate(),
          "processCpuMsPerMessage", cpuMs));
    }
    s.table(new Report.Table(null, List.of("sender", "SMTP connections", "messages", "msg/s",
        "process CPU ms/msg"), rows));
    s.note("Sink: " + sink.kind() + " on 127.0.0.1; message: multipart/alternative, "
        + (MailContent.TEXT.length() + MailContent.HTML.length()) + " bytes of text + HTML body (smtp-source: -l 2048).");
    s.note("Process CPU includes the embedded broker for the notifier rows (the worker writes a SENT status per message).");
    for (int conns : List.of(1, 8)) {
      double worker = rate(runs, "notifier, 1 worker", conns);
      target("bare Angus loop (b)", 0.8, worker, rate(runs, "bare Angus loop (b)", conns), conns);
      target("Simple Java Mail (c)", 1.1, worker, rate(runs, "Simple Java Mail + batch pool (c)", conns), conns);
      target("naive Transport.send (d)", 2.0, worker, rate(runs, "naive Transport.send (d)", conns), conns);
      double source = rate(runs, "smtp-source (a)", conns);
      report.target("delivery", "1 worker / smtp-source (a), " + conns + " conn (reported)",
          Report.fmt(worker) + " vs " + Report.fmt(source) + " msg/s = " + Report.times(Stats.ratio(worker, source)),
          null);
    }
    report.chart(Charts.bars("delivery-throughput.png", "Delivery throughput (messages/s)", "msg/s", names, rates));
  }

  private void target(String baseline, double factor, double worker, double base, int conns) {
    double ratio = Stats.ratio(worker, base);
    report.target("delivery", "1 worker ≥ " + factor + " × " + baseline + ", " + conns + " conn",
        Report.fmt(worker) + " vs " + Report.fmt(base) + " msg/s = " + Report.times(ratio),
        Double.isNaN(ratio) ? null : ratio >= factor);
  }

  static double rate(List<DeliveryRun> runs, String name, int conns) {
    return runs.stream().filter(r -> r.name().equals(name) && r.connections() == conns)
        .mapToDouble(DeliveryRun::rate).findFirst().orElse(Double.NaN);
  }
}
