package dev.notifier.bench;

import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Scenario 4: end-to-end latency, event produced → SMTP DATA accepted, with the product's
 * StreamsApp (exactly_once_v2) and one worker, at half the pipeline's measured maximum rate. Each
 * event carries its produce time (epoch microseconds) in its subject title, which the rendered
 * subject repeats; the testkit server stamps the arrival. The first second is warm-up, left out.
 */
final class LatencyScenario {

  static final Pattern STAMP = Pattern.compile("lat:(\\d+)");

  private final BenchKafka kafka;
  private final BenchConfig config;
  private final Report report;

  LatencyScenario(BenchKafka kafka, BenchConfig config, Report report) {
    this.kafka = kafka;
    this.config = config;
    this.report = report;
  }

  /**
   * First measures the whole pipeline's maximum (a backlog of {@code probe} events produced at once,
   * mails counted at the server: topology and worker share the machine, so their separate maxima
   * would overstate it), then runs at half of it.
   */
  void run(int probe) throws Exception {
    Topics topics = Topics.withPrefix("lat.");
    kafka.createTopics(topics);
    kafka.publishDirectory(topics);
    KafkaSettings settings = new KafkaSettings(kafka.bootstrap(), topics.prefix(), Map.of());
    try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().build().start();
        StreamsApp app = new StreamsApp(settings, StreamsSettings.defaults().withApplicationId("bench-latency")
            .withStateDir(Files.createTempDirectory("bench-latency-").toString()), AccountRouter.single("default"))) {
      AccountSettings account = AccountSettings.local(DeliveryScenario.ACCOUNT, smtp.host(), smtp.port(),
          MailContent.FROM).withPoolSize(8).withLimits(DeliveryScenario.UNTHROTTLED);
      SenderWorker worker = new SenderWorker(WorkerContext.builder(settings, new WorkerSettings("bench-latency-senders",
          "bench-latency-w", null, List.of(account))).build());
      Thread poll = new Thread(worker, "bench-latency-w-poll");
      app.start();
      poll.start();
      try {
        app.awaitRunning(Duration.ofSeconds(60));
        awaitOwned(worker, Duration.ofSeconds(30));
        double maxNotificationsPerSecond = probeMax(smtp, probe);
        String maxSource = "the pipeline's maximum, measured just before with a backlog of " + probe + " events";
        double eventsPerSecond = Math.max(1, maxNotificationsPerSecond / 2 / BenchKafka.GROUP_SIZE);
        int events = (int) Math.ceil(eventsPerSecond * config.latencyWindow().toSeconds());
        int warmup = (int) Math.ceil(eventsPerSecond);
        produce(topics, events, eventsPerSecond, "lat");
        try {
          smtp.awaitMessages(events * BenchKafka.GROUP_SIZE, Duration.ofSeconds(30));
        } catch (IllegalStateException notAll) {
          report.section("4. End-to-end latency").note("not every mail arrived within 30 s: " + notAll.getMessage());
        }
        measure(smtp.messages(), events, warmup, eventsPerSecond, maxNotificationsPerSecond, maxSource);
      } finally {
        worker.close();
        poll.join(20_000);
      }
    }
  }

  private static void awaitOwned(SenderWorker worker, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (worker.ownedSendPartitions() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** Notifications per second at the server while a backlog of {@code events} events drains. */
  private double probeMax(ScriptableSmtpServer smtp, int events) throws InterruptedException {
    produce(Topics.withPrefix("lat."), events, Double.POSITIVE_INFINITY, "probe");
    int expected = events * BenchKafka.GROUP_SIZE;
    long deadline = System.nanoTime() + config.latencyWindow().multipliedBy(3).toNanos();
    while (smtp.messages().size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<ReceivedMessage> got = smtp.messages();
    double rate = got.size() < 2 ? 100 : Stats.rate(got.size() - 1,
        Duration.between(got.get(0).receivedAt(), got.get(got.size() - 1).receivedAt()).toNanos());
    Thread.sleep(500);
    smtp.reset();
    BenchMain.log("latency: pipeline maximum %.0f notifications/s (%d of %d mails)", rate, got.size(), expected);
    return rate;
  }

  private void produce(Topics topics, int events, double perSecond, String run) {
    Properties props = kafka.producerProps();
    // an upstream producer that sends each event at once
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
        new ByteArraySerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        long due = Double.isInfinite(perSecond) ? 0 : start + (long) (i * 1e9 / perSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        String title = run.equals("lat") ? "i:" + i + " lat:" + micros : "probe " + i;
        producer.send(new ProducerRecord<>(topics.events().name(), run + "-" + i, BenchKafka.event(run, i, title)));
      }
      producer.flush();
    }
  }

  private void measure(List<ReceivedMessage> messages, int events, int warmup, double eventsPerSecond,
      double max, String maxSource) {
    Histogram histogram = Stats.latencyHistogram();
    Pattern index = Pattern.compile("i:(\\d+) ");
    int counted = 0;
    for (ReceivedMessage m : messages) {
      String subject = m.subject().orElse("");
      Matcher stamp = STAMP.matcher(subject);
      Matcher i = index.matcher(subject);
      if (!stamp.find() || !i.find() || Integer.parseInt(i.group(1)) < warmup) {
        continue;
      }
      Instant at = m.receivedAt();
      long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1000 - Long.parseLong(stamp.group(1));
      histogram.recordValue(Math.max(0, Math.min(micros, histogram.getHighestTrackableValue())));
      counted++;
    }
    Map<String, Double> p = Stats.percentilesMillis(histogram);
    Report.Section s = report.section("4. End-to-end latency");
    List<String> header = new ArrayList<>(List.of("events/s", "notifications/s", "measured mails"));
    List<String> row = new ArrayList<>(List.of(Report.fmt(eventsPerSecond),
        Report.fmt(eventsPerSecond * BenchKafka.GROUP_SIZE), counted + " of " + (events * BenchKafka.GROUP_SIZE)));
    p.forEach((k, v) -> {
      header.add(k + " ms");
      row.add(Report.fmt(v));
    });
    s.table(new Report.Table(null, header, List.of(row)));
    s.note("Load: 50 % of " + Report.fmt(max) + " notifications/s (" + maxSource + "); the first " + warmup
        + " events (1 s) are warm-up and not counted.");
    s.note("Path: producer (acks=all) → notifier.events → StreamsApp (exactly_once_v2, commit 100 ms) → "
        + "notifier.send (read_committed) → 1 worker, 8 connections → testkit SMTP server (arrival stamped).");
    s.data("eventsPerSecond", eventsPerSecond).data("percentilesMs", p).data("counted", counted);
    Double p99 = p.get("p99");
    report.target("latency", "end-to-end p99 < 250 ms at 50 % load", Report.fmt(p99) + " ms (p50 "
        + Report.fmt(p.get("p50")) + ", max " + Report.fmt(p.get("max")) + ")", counted == 0 ? null : p99 < 250);
    List<String> names = new ArrayList<>(p.keySet());
    report.chart(Charts.bars("latency-percentiles.png", "End-to-end latency at 50 % load (ms)", "ms", names,
        new ArrayList<>(p.values())));
    BenchMain.log("latency: %d mails at %.0f events/s: %s", counted, eventsPerSecond, p);
  }
}
