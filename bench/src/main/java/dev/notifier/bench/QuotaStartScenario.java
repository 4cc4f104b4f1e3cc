package dev.notifier.bench;

import dev.notifier.avro.QuotaUsage;
import dev.notifier.avro.UsageKind;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.sender.throttle.QuotaLedger;
import dev.notifier.sender.throttle.UsageReader;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A worker (re)starting on an account with a day quota counts nothing against it until it has read the last day of
 * the usage topic, and the account's mail waits for that read. The usage topic holds a busy day of the account: each
 * send a reservation and an acceptance. Interleaved, each repetition times:
 * <ol>
 *   <li>(a) a bare {@link KafkaConsumer} with the worker's deserializer and Kafka's defaults, reading the same
 *   records from the same offsets (a day back) to the end: the least such a read takes;</li>
 *   <li>(b) the worker, from its construction to its first mail at the SMTP server, with the day to read;</li>
 *   <li>(c) the same worker with nothing to read (another usage topic, empty): what the start costs without it.</li>
 * </ol>
 * The worker's read is (b) − (c); the report gives it against (a).
 */
final class QuotaStartScenario {

  /** A day of 100,000 sends: a RESERVED and an ACCEPTED record each. */
  static final int SENDS = 100_000;
  static final int SENDS_QUICK = 10_000;
  private static final Duration CAP = Duration.ofSeconds(60);

  private final BenchKafka kafka;
  private final BenchConfig config;
  private final Report report;

  QuotaStartScenario(BenchKafka kafka, BenchConfig config, Report report) {
    this.kafka = kafka;
    this.config = config;
    this.report = report;
  }

  void run() throws Exception {
    int sends = config.quick() ? SENDS_QUICK : SENDS;
    Topics day = Topics.withPrefix("qs.");
    Topics none = Topics.withPrefix("qs0.");
    kafka.createTopics(day);
    kafka.createTopics(none);
    publishDay(day, sends);
    List<Double> bare = new ArrayList<>();
    List<Double> withDay = new ArrayList<>();
    List<Double> withNone = new ArrayList<>();
    long read = 0;
    try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().build().start()) {
      for (int rep = 1; rep <= config.repetitions(); rep++) {
        BareRead b = bareRead(day);
        bare.add(seconds(b.nanos()));
        read = b.records();
        withDay.add(seconds(firstMail(smtp, day, "r" + rep)));
        withNone.add(seconds(firstMail(smtp, none, "r" + rep)));
        BenchMain.log("quota start r%d: bare read %.2f s (%d records), worker %.2f s with the day, %.2f s without",
            rep, bare.get(rep - 1), read, withDay.get(rep - 1), withNone.get(rep - 1));
      }
    }
    report(sends, read, bare, withDay, withNone);
  }

  /** Every send of the day as its worker writes it, keyed by the account: the reservation, then the acceptance. */
  private void publishDay(Topics topics, int sends) {
    Instant start = Instant.now().minus(Duration.ofHours(1));
    try (KafkaProducer<String, QuotaUsage> producer = new KafkaProducer<>(kafka.producerProps(),
        new StringSerializer(), topics.usage().valueSerde().serializer())) {
      for (int i = 0; i < sends; i++) {
        Instant reserved = start.plusMillis(i);
        Instant accepted = reserved.plusMillis(20);
        String id = "day-" + i;
        producer.send(new ProducerRecord<>(topics.usage().name(), DeliveryScenario.ACCOUNT, usage(id, i,
            UsageKind.RESERVED, reserved.plusSeconds(30), reserved)));
        producer.send(new ProducerRecord<>(topics.usage().name(), DeliveryScenario.ACCOUNT, usage(id, i,
            UsageKind.ACCEPTED, accepted, reserved)));
      }
      producer.flush();
    }
  }

  private QuotaUsage usage(String id, int i, UsageKind kind, Instant at, Instant reservedAt) {
    return QuotaUsage.newBuilder().setAccount(DeliveryScenario.ACCOUNT).setNotificationId(id)
        .setPartition(i % kafka.partitions()).setWorkerId("yesterdays-worker").setKind(kind).setAcceptedAt(at)
        .setReservedAt(reservedAt).build();
  }

  /** What (a) took from the consumer's construction, and the records it read. */
  private record BareRead(long nanos, long records) {
  }

  /** (a) A bare consumer reading the last day of the usage topic to its end. */
  private BareRead bareRead(Topics topics) {
    String topic = topics.usage().name();
    long t0 = System.nanoTime();
    Properties props = kafka.consumerProps("unused");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    long n = 0;
    try (KafkaConsumer<String, QuotaUsage> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        topics.usage().valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      // the worker's own seek: what is timed is the reading
      UsageReader.seekTo(consumer, partitions, Instant.now().minus(QuotaLedger.HORIZON));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      BooleanSupplier atEnd = () -> end.entrySet().stream()
          .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
      long deadline = t0 + CAP.toNanos();
      while (!atEnd.getAsBoolean()) {
        if (System.nanoTime() >= deadline) {
          throw new IllegalStateException("the bare consumer did not read " + topic + " to its end within " + CAP);
        }
        n += consumer.poll(Duration.ofMillis(100)).count();
      }
    }
    return new BareRead(System.nanoTime() - t0, n);
  }

  /** (b), (c) Nanoseconds from a worker's construction to its first mail at {@code smtp}; none within the cap fails. */
  private long firstMail(ScriptableSmtpServer smtp, Topics topics, String run) throws Exception {
    kafka.publishNotifications(topics, "qs-" + run, 1, DeliveryScenario.ACCOUNT);
    AccountSettings account = AccountSettings.local(DeliveryScenario.ACCOUNT, smtp.host(), smtp.port(),
        MailContent.FROM).withLimits(DeliveryScenario.WITH_QUOTA);
    KafkaSettings settings = new KafkaSettings(kafka.bootstrap(), topics.prefix(), Map.of());
    String group = "bench-quota-start-" + topics.prefix() + run;
    int before = smtp.messageCount();
    long t0 = System.nanoTime();
    SenderWorker worker = new SenderWorker(WorkerContext.builder(settings,
        new WorkerSettings(group, group + "-1", null, List.of(account))).build());
    Thread thread = new Thread(worker, group + "-poll");
    thread.start();
    try {
      long deadline = t0 + CAP.toNanos();
      while (smtp.messageCount() == before && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      long nanos = System.nanoTime() - t0;
      if (smtp.messageCount() == before) {
        throw new IllegalStateException("worker " + group + " sent no mail within " + CAP);
      }
      return nanos;
    } finally {
      worker.close();
      thread.join(20_000);
    }
  }

  private void report(int sends, long read, List<Double> bare, List<Double> withDay, List<Double> withNone) {
    double a = Stats.median(bare);
    double b = Stats.median(withDay);
    double c = Stats.median(withNone);
    double workerRead = b - c;
    double ratio = workerRead / a;
    Report.Section s = report.section("Quota start: reading a day of usage");
    s.table(new Report.Table(null, List.of("usage records", "(a) bare consumer reads them, s",
        "(b) worker to first mail, with them, s", "(c) worker to first mail, none, s", "worker's read (b − c), s",
        "(b − c) / (a)"), List.of(List.of(String.valueOf(read), Report.fmt(a), Report.fmt(b), Report.fmt(c),
            Report.fmt(workerRead), Report.times(ratio)))));
    s.note(sends + " sends of one account over the last hour, each a RESERVED and an ACCEPTED record keyed by the "
        + "account (so on one partition), as workers write them. Medians of " + bare.size() + " interleaved "
        + "repetitions; (a) uses Kafka's default consumer settings and the worker's Avro deserializer. The workers "
        + "send to testkit's ScriptableSmtpServer, which counts each message as it arrives, not to the run's sink.");
    s.data("records", read).data("bareSeconds", bare).data("workerWithDaySeconds", withDay)
        .data("workerWithoutSeconds", withNone).data("ratio", ratio);
    BenchMain.log("quota start: bare %.2f s, worker %.2f s with the day, %.2f s without: its read %.2f s, %.2f×",
        a, b, c, workerRead, ratio);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
