package dev.notifier.bench;

import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3: three workers share one account limited to R msg/s with burst B. The workers start and
 * settle their partitions first; then a backlog larger than the window can drain is produced at
 * once. The testkit SMTP server stamps each message's arrival; the report gives the most messages in
 * any 1 s window (any start) against R + B, and the utilisation: messages delivered in the window
 * divided by the most the limits allow in it, R × window + B.
 */
final class ThrottleScenario {

  static final int PARTITIONS = 6;
  static final int WORKERS = 3;

  private final BenchKafka kafka;
  private final BenchConfig config;
  private final Report report;

  ThrottleScenario(BenchKafka kafka, BenchConfig config, Report report) {
    this.kafka = new BenchKafka(kafka.embedded(), PARTITIONS);
    this.config = config;
    this.report = report;
  }

  void run() throws Exception {
    Topics topics = Topics.withPrefix("thr.");
    kafka.createTopics(topics);
    double rate = config.throttleRate();
    int burst = config.throttleBurst();
    Duration window = config.throttleWindow();
    try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().build().start()) {
      AccountSettings account = AccountSettings.local(DeliveryScenario.ACCOUNT, smtp.host(), smtp.port(),
          MailContent.FROM).withPoolSize(2).withLimits(new Limits(rate, burst, null, null));
      KafkaSettings settings = new KafkaSettings(kafka.bootstrap(), topics.prefix(), Map.of());
      List<SenderWorker> workers = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      try {
        for (int w = 1; w <= WORKERS; w++) {
          SenderWorker worker = new SenderWorker(WorkerContext.builder(settings,
              new WorkerSettings("bench-throttle", "bench-throttle-" + w, null, List.of(account))).build());
          workers.add(worker);
          Thread t = new Thread(worker, "bench-throttle-" + w + "-poll");
          t.start();
          threads.add(t);
        }
        boolean settled = awaitSettled(workers, Duration.ofSeconds(30));
        int backlog = (int) Math.ceil(rate * (window.toSeconds() + 3)) + burst;
        kafka.publishNotifications(topics, "thr", backlog, DeliveryScenario.ACCOUNT);
        Instant first = awaitFirst(smtp, Duration.ofSeconds(30));
        Thread.sleep(window.toMillis() + 1000);
        measure(smtp.messages(), first, rate, burst, window, backlog, settled);
      } finally {
        workers.forEach(SenderWorker::close);
        for (Thread t : threads) {
          t.join(20_000);
        }
      }
    }
  }

  /** Waits until every worker owns a share of the partitions (no rebalance during the measurement). */
  private static boolean awaitSettled(List<SenderWorker> workers, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      int total = workers.stream().mapToInt(SenderWorker::ownedSendPartitions).sum();
      boolean all = workers.stream().allMatch(w -> w.ownedSendPartitions() > 0);
      if (all && total == PARTITIONS) {
        Thread.sleep(500);
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  private static Instant awaitFirst(ScriptableSmtpServer smtp, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (smtp.messageCount() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    List<ReceivedMessage> got = smtp.messages();
    return got.isEmpty() ? Instant.now() : got.get(0).receivedAt();
  }

  private void measure(List<ReceivedMessage> messages, Instant first, double rate, int burst, Duration window,
      int backlog, boolean settled) {
    long origin = nanos(first);
    long[] times = messages.stream().mapToLong(m -> nanos(m.receivedAt())).toArray();
    long end = origin + window.toNanos();
    long inWindow = java.util.Arrays.stream(times).filter(t -> t >= origin && t < end).count();
    int maxPerSecond = Stats.maxInWindow(times, Duration.ofSeconds(1).toNanos());
    double allowed = rate * window.toSeconds() + burst;
    double utilisation = inWindow / allowed;
    int[] perSecond = Stats.perSecond(times, origin, (int) window.toSeconds());
    Report.Section s = report.section("3. Throttle accuracy");
    s.table(new Report.Table(null, List.of("R msg/s", "B", "workers", "window s", "delivered in window",
        "allowed R×T+B", "max in any 1 s", "R + B", "utilisation"), List.of(List.of(Report.fmt(rate),
        String.valueOf(burst), String.valueOf(WORKERS), String.valueOf(window.toSeconds()), String.valueOf(inWindow),
        Report.fmt(allowed), String.valueOf(maxPerSecond), Report.fmt(rate + burst), Report.fmt(utilisation)))));
    s.note("Per second from the first arrival: " + java.util.Arrays.toString(perSecond));
    s.note(WORKERS + " workers × 2 connections, " + PARTITIONS + " partitions, backlog " + backlog
        + " notifications produced at once after the workers settled"
        + (settled ? "" : " (they did NOT settle within 30 s: a rebalance may fall in the window)") + ".");
    s.note("Sink: testkit ScriptableSmtpServer (it stamps each message's arrival; smtp-sink does not).");
    s.data("rate", rate).data("burst", burst).data("windowSeconds", window.toSeconds())
        .data("deliveredInWindow", inWindow).data("maxInAny1s", maxPerSecond).data("utilisation", utilisation)
        .data("perSecond", perSecond);
    report.target("throttle", "never over R + B = " + Report.fmt(rate + burst) + " in any 1 s window",
        "max " + maxPerSecond + " in 1 s", maxPerSecond <= rate + burst);
    report.target("throttle", "utilisation ≥ 0.95", Report.fmt(utilisation) + " (" + inWindow + " of "
        + Report.fmt(allowed) + " allowed in " + window.toSeconds() + " s)", utilisation >= 0.95);
    BenchMain.log("throttle: %d in %d s window, max %d in any 1 s (R+B %.0f), utilisation %.3f", inWindow,
        window.toSeconds(), maxPerSecond, rate + burst, utilisation);
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
