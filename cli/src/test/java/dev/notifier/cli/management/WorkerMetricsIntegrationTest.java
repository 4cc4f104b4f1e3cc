package dev.notifier.cli.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.schemas.ReplayHeaders;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.config.BreakerSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sender workers on a real broker behind the management endpoint, as {@code notifier worker} runs
 * them: the scrape counts what the SMTP server received and what the dead-letter and status topics
 * hold; readiness waits for the first assignment (an empty one too) and goes down while the only
 * account's breaker is open. Each test has its own topics (a prefix) and consumer group on the
 * class's one broker.
 */
class WorkerMetricsIntegrationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Instant CREATED = Instant.parse("2024-05-01T08:00:00Z");
  private static final String FROM = "noreply@notifier.test";
  private static final String ACCOUNT = "company";

  private static EmbeddedKafka kafka;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(3).start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    pool.shutdownNow();
  }

  @Test
  void theScrapeCountsWhatTheSmtpServerAndTheTopicsSaw() throws Exception {
    // Step 1: configure topics, an SMTP server that greylists 4 RCPTs of the flaky users and refuses the gone
    // ones, a worker and its management endpoint
    KafkaSettings settings = settings("flow.", 3);
    Topics topics = settings.topics();
    ScriptableSmtpServer smtp = track(ScriptableSmtpServer.builder().start());
    int ok = 20;
    int flaky = 4;
    int gone = 3;
    smtp.script().at(Stage.RCPT).matching("flaky-").reply("451 4.7.1 Greylisted, try again later").times(flaky);
    smtp.script().at(Stage.RCPT).matching("gone-").reply("550 5.1.1 User unknown").always();
    // a breaker that opens only when every one of 10 sends fails: the greylisting must not open it here
    WorkerSettings ws = workerSettings("flow-senders", "flow-worker", localAccount(smtp))
        .withBreaker(new BreakerSettings(100f, 10, 10, Duration.ofSeconds(1)));
    ProcessMetrics metrics = track(new ProcessMetrics());
    SenderWorker worker = track(new SenderWorker(WorkerContext.builder(settings, ws).env(name -> null)
        .meterRegistry(metrics.registry()).build()));
    ManagementServer server = track(ManagementServer.start(ManagementSettings.loopback(0), metrics,
        new WorkerHealth(worker::status)));
    pool.submit(worker);

    // Step 2: produce 20 + 4 + 3 notifications
    List<Notification> batch = new ArrayList<>();
    for (int i = 0; i < ok; i++) {
      batch.add(notification("ok-" + i + "@example.com"));
    }
    for (int i = 0; i < flaky; i++) {
      batch.add(notification("flaky-" + i + "@example.com"));
    }
    for (int i = 0; i < gone; i++) {
      batch.add(notification("gone-" + i + "@example.com"));
    }
    produce(settings, batch);

    // Step 3: once every notification has its final status, the scrape says what the server and topics say
    Set<String> ids = batch.stream().map(Notification::getNotificationId).collect(Collectors.toSet());
    Map<String, DeliveryState> last = new HashMap<>();
    Await.until(DEADLINE, "every notification SENT or DEAD", () -> {
      readAll(settings, topics.status()).forEach(r -> last.put(r.key(), r.value().getState()));
      return ids.stream().allMatch(id -> last.get(id) == DeliveryState.SENT || last.get(id) == DeliveryState.DEAD);
    });
    Await.until(DEADLINE, "the send consumer's lag per partition bound", () -> bySendTopic(scrape(server), topics));
    String scrape = scrape(server);
    scrape.lines().filter(l -> l.startsWith("notifier_") && !l.contains("_bucket")).forEach(System.out::println);
    List<ConsumerRecord<String, DeliveryStatus>> statuses = readAll(settings, topics.status());
    List<ConsumerRecord<String, DeadLetter>> deadLetters = readAll(settings, topics.deadLetters());

    Map<String, Double> outcomes = Scrape.byLabel(scrape, "notifier_sends_total", "outcome");
    assertThat(outcomes).isEqualTo(Map.of("sent", (double) ok + flaky, "retry", (double) flaky, "dead", (double) gone,
        "expired", 0.0, "unknown", 0.0));
    assertThat(smtp.messages()).hasSize(ok + flaky);
    assertThat(count(statuses, DeliveryState.SENT)).isEqualTo(ok + flaky);
    assertThat(deadLetters).hasSize(gone);
    assertThat(Scrape.byLabel(scrape, "notifier_dead_letters_total", "class"))
        .isEqualTo(countBy(deadLetters, r -> r.value().getFailureClass()))
        .isEqualTo(Map.of("DEAD_RECIPIENT", (double) gone));
    // every 451 wrote one retry record and one RETRYING status, counted by the attempt that failed
    List<ConsumerRecord<String, DeliveryStatus>> retrying = statuses.stream()
        .filter(r -> r.value().getState() == DeliveryState.RETRYING).toList();
    assertThat(retrying).hasSize(flaky);
    assertThat(Scrape.byLabel(scrape, "notifier_retries_total", "attempt"))
        .isEqualTo(countBy(retrying, r -> String.valueOf(r.value().getAttempts())));
    assertThat(Scrape.total(scrape, "notifier_retries_total")).isEqualTo(flaky);
    // one SMTP transaction per attempt: the sent ones, the greylisted ones and the refused ones
    assertThat(Scrape.total(scrape, "notifier_smtp_send_seconds_count")).isEqualTo(ok + flaky + flaky + gone);
    List<Scrape.Sample> buckets = Scrape.samples(scrape).stream()
        .filter(s -> s.name().equals("notifier_smtp_send_seconds_bucket")).toList();
    assertThat(buckets).as("a bounded histogram ending at +Inf").hasSizeBetween(10, 100)
        .anyMatch(s -> s.labels().get("le").equals("+Inf") && s.value() == ok + flaky + flaky + gone);
    assertThat(sample(scrape, "notifier_breaker_state", "state", "closed")).isEqualTo(1.0);
    assertThat(sample(scrape, "notifier_breaker_state", "state", "open")).isZero();
    assertThat(Scrape.byLabel(scrape, "notifier_throttle_tokens_available", "account")).containsKey(ACCOUNT);
    assertThat(Scrape.byLabel(scrape, "notifier_throttle_quota_used_ratio", "account"))
        .isEqualTo(Map.of(ACCOUNT, 0.0));
    assertThat(scrape).contains("kafka_consumer_fetch_manager_records_lag_max").contains("kafka_producer_");
    assertThat(Scrape.total(scrape, "notifier_ready")).isEqualTo(1.0);
    assertThat(Scrape.samples(scrape)).flatMap(s -> s.labels().values()).noneMatch(v -> v.contains("@"));
  }

  @Test
  void theDeliveryDelayCountsFromReleaseOrReplayToAcceptanceRetriesIncludedByPriority() throws Exception {
    // Step 1: a worker whose SMTP server greylists the bulk mail's first RCPT and refuses the gone address; the
    // account has a day quota, so every attempt is reserved on the usage topic and the worker reads it back
    KafkaSettings settings = settings("delay.", 3);
    ScriptableSmtpServer smtp = track(ScriptableSmtpServer.builder().start());
    smtp.script().at(Stage.RCPT).matching("bulk-").reply("451 4.7.1 Greylisted, try again later").times(1);
    smtp.script().at(Stage.RCPT).matching("gone-").reply("550 5.1.1 User unknown").always();
    ProcessMetrics metrics = track(new ProcessMetrics());
    AccountSettings account = localAccount(smtp)
        .withLimits(Limits.builder().ratePerSecond(1_000).perDay(1_000).build());
    SenderWorker worker = track(new SenderWorker(WorkerContext.builder(settings,
        workerSettings("delay-senders", "delay-worker", account)).env(name -> null)
        .meterRegistry(metrics.registry()).build()));
    ManagementServer server = track(ManagementServer.start(ManagementSettings.loopback(0), metrics,
        new WorkerHealth(worker::status)));

    // Step 2: three notifications released 45 s ago (as if behind a backlog), two fresh critical ones, a fresh bulk
    // one, a dead letter of three days ago replayed now, and one the server refuses
    Instant now = Instant.now();
    List<ProducerRecord<String, Notification>> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      records.add(record(settings, notification("late-" + i + "@example.com", Priority.NORMAL, now.minusSeconds(45))));
    }
    for (int i = 0; i < 2; i++) {
      records.add(record(settings, notification("urgent-" + i + "@example.com", Priority.CRITICAL, now)));
    }
    records.add(record(settings, notification("bulk-0@example.com", Priority.BULK, now)));
    ProducerRecord<String, Notification> replayed = record(settings,
        notification("restored@example.com", Priority.NORMAL, now.minus(Duration.ofDays(3))));
    replayed.headers().add(ReplayHeaders.AT, now.toString().getBytes(StandardCharsets.UTF_8));
    records.add(replayed);
    records.add(record(settings, notification("gone-0@example.com", Priority.NORMAL, now)));
    produceRecords(settings, records);
    pool.submit(worker);

    // Step 3: seven sent (the bulk one at its second attempt), one dead; the histogram holds the seven sent, each
    // in the bucket of its wait: the late ones between 30 s and a minute, the replayed one from its replay
    Await.until(DEADLINE, "seven mails at the SMTP server and the dead letter counted", () -> {
      String scrape = scrape(server);
      return Scrape.total(scrape, "notifier_delivery_delay_seconds_count") == 7
          && Scrape.byLabel(scrape, "notifier_sends_total", "outcome").getOrDefault("dead", 0.0) == 1;
    });
    String scrape = scrape(server);
    assertThat(smtp.messages()).hasSize(7);
    assertThat(Scrape.total(scrape, "notifier_retries_total")).as("the bulk mail was retried").isEqualTo(1);
    assertThat(delayBucket(scrape, "NORMAL", "+Inf")).isEqualTo(4);
    assertThat(delayBucket(scrape, "NORMAL", "60")).as("the replayed one too: timed from its replay").isEqualTo(4);
    assertThat(delayBucket(scrape, "NORMAL", "30")).as("only the replayed one within 30 s").isEqualTo(1);
    assertThat(delayBucket(scrape, "CRITICAL", "10")).isEqualTo(2);
    assertThat(delayBucket(scrape, "CRITICAL", "+Inf")).isEqualTo(2);
    assertThat(delayBucket(scrape, "BULK", "+Inf")).isEqualTo(1);
    assertThat(delayBucket(scrape, "BULK", "0.1")).as("its retry waited a backoff of at least 200 ms").isZero();
    assertThat(Scrape.samples(scrape).stream().filter(s -> s.name().equals("notifier_delivery_delay_seconds_sum")
        && "NORMAL".equals(s.labels().get("priority"))).mapToDouble(Scrape.Sample::value).sum())
        .as("three waits of 45 s or more").isBetween(135.0, 4 * 60.0);
    // the quota's own clients are exported too: nine attempts, nine reservations sent and read back
    Await.until(DEADLINE, "the reservation producer's and the usage consumer's meters", () -> {
      String later = scrape(server);
      return byClient(later, "kafka_producer_record_send_total", "delay-worker-reservations") >= 9
          && byClient(later, "kafka_consumer_fetch_manager_records_consumed_total", "delay-worker-usage") >= 9;
    });
  }

  @Test
  void readyOnceAssignedAndNotWhileTheOnlyAccountsBreakerIsOpen() throws Exception {
    // Step 1: a server that refuses the account's login; the breaker opens after 3 failed sends (defaults)
    // and stays open long enough to look at it
    KafkaSettings settings = settings("ready.", 3);
    ScriptableSmtpServer smtp = track(ScriptableSmtpServer.builder().user("u", "right").requireAuth(true).start());
    smtp.script().at(Stage.AUTH).reply("535 5.7.8 Authentication credentials invalid").always();
    AccountSettings account = new AccountSettings(ACCOUNT, smtp.host(), smtp.port(), Security.NONE, FROM, "u",
        "SMTP_PW", null, "notifier.local", null, null).withPlaintextAuth(true);
    WorkerSettings ws = workerSettings("ready-senders", "ready-worker", account)
        .withBreaker(BreakerSettings.defaults().withOpenFor(Duration.ofMinutes(2)));
    ProcessMetrics metrics = track(new ProcessMetrics());
    SenderWorker worker = track(new SenderWorker(WorkerContext.builder(settings, ws).env(name -> "right")
        .meterRegistry(metrics.registry()).build()));
    ManagementServer server = track(ManagementServer.start(ManagementSettings.loopback(0), metrics,
        new WorkerHealth(worker::status)));
    int port = server.port();

    // Step 2: not ready before the worker runs; ready once its send consumer is assigned
    HttpResponse<String> before = Scrape.get(port, Management.READINESS_PATH);
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body()).startsWith("not ready: worker not started");
    assertThat(worker.status().assigned()).isFalse();
    assertThat(Scrape.get(port, Management.LIVENESS_PATH).statusCode()).isEqualTo(200);
    pool.submit(worker);
    Await.until(DEADLINE, "ready after the assignment", () -> status(port, Management.READINESS_PATH) == 200);
    assertThat(worker.status().assigned()).isTrue();
    assertThat(worker.ownedSendPartitions()).isEqualTo(3);

    // Step 3: three refused logins open the breaker: not ready, still live; the scrape shows the state
    produce(settings, List.of(notification("a@example.com"), notification("b@example.com"),
        notification("c@example.com")));
    Await.until(DEADLINE, "not ready, breaker open", () -> status(port, Management.READINESS_PATH) == 503);
    HttpResponse<String> open = Scrape.get(port, Management.READINESS_PATH);
    assertThat(open.body()).isEqualTo("not ready: circuit breaker open for every enabled account [company]\n");
    String scrape = scrape(server);
    assertThat(sample(scrape, "notifier_breaker_state", "state", "open")).isEqualTo(1.0);
    assertThat(sample(scrape, "notifier_breaker_state", "state", "closed")).isZero();
    assertThat(Scrape.total(scrape, "notifier_ready")).isZero();
    assertThat(Scrape.total(scrape, "notifier_smtp_send_seconds_count")).isGreaterThanOrEqualTo(3);
    assertThat(Scrape.get(port, Management.LIVENESS_PATH).statusCode()).isEqualTo(200);
    assertThat(smtp.messages()).isEmpty();

    // Step 4: a closing worker is not ready but live while it drains and after
    worker.close();
    HttpResponse<String> closed = Scrape.get(port, Management.READINESS_PATH);
    assertThat(closed.statusCode()).isEqualTo(503);
    assertThat(closed.body()).isEqualTo("not ready: worker stopping\n");
    assertThat(Scrape.get(port, Management.LIVENESS_PATH).statusCode()).isEqualTo(200);
  }

  @Test
  void aWorkerWithAnEmptyAssignmentIsReady() throws Exception {
    // Step 1: topics of one partition and two workers in one group: one of them owns nothing
    KafkaSettings settings = settings("solo.", 1);
    ScriptableSmtpServer smtp = track(ScriptableSmtpServer.builder().start());
    List<SenderWorker> workers = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      SenderWorker worker = track(new SenderWorker(WorkerContext.builder(settings,
          workerSettings("solo-senders", "solo-" + i, localAccount(smtp))).env(name -> null)
          .meterRegistry(track(new ProcessMetrics()).registry()).build()));
      workers.add(worker);
    }
    List<WorkerHealth> health = workers.stream().map(w -> new WorkerHealth(w::status)).toList();

    // Step 2
    workers.forEach(pool::submit);

    // Step 3: both are ready once the group settled, though only one owns the partition
    Await.until(DEADLINE, "both workers ready and one partition owned", () -> health.stream()
        .allMatch(h -> h.ready().ok()) && workers.stream().mapToInt(SenderWorker::ownedSendPartitions).sum() == 1);
    assertThat(workers.stream().map(SenderWorker::ownedSendPartitions).toList()).containsExactlyInAnyOrder(0, 1);
    assertThat(health).allSatisfy(h -> assertThat(h.live().ok()).isTrue());
  }

  // ---- support ----

  private <T extends AutoCloseable> T track(T closeable) {
    open.add(closeable);
    return closeable;
  }

  private static KafkaSettings settings(String prefix, int partitions) {
    KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), prefix, Map.of());
    kafka.createTopics(TopicLayout.of(partitions).newTopics(settings.topics()));
    return settings;
  }

  private static AccountSettings localAccount(ScriptableSmtpServer smtp) {
    return AccountSettings.local(ACCOUNT, smtp.host(), smtp.port(), FROM).withLimits(Limits.of(1_000));
  }

  private static WorkerSettings workerSettings(String group, String workerId, AccountSettings account) {
    return new WorkerSettings(group, workerId, Duration.ofMillis(100), List.of(account))
        .withBackoff(BackoffPolicy.builder().minDelay(Duration.ofMillis(200)).maxDelay(Duration.ofSeconds(1))
            .lifetime(Duration.ofMinutes(5)).build());
  }

  private static Notification notification(String email) {
    return notification(email, Priority.NORMAL, CREATED);
  }

  private static Notification notification(String email, Priority priority, Instant createdAt) {
    String id = UUID.nameUUIDFromBytes(("metrics-it\n" + email).getBytes(StandardCharsets.UTF_8)).toString();
    return Notification.newBuilder().setPriority(priority)
        .setNotificationId(id)
        .setEventId("metrics-it-" + email)
        .setEventType("bug.assigned")
        .setTemplate("bug-assigned")
        .setAccount(ACCOUNT)
        .setRecipient(Recipient.newBuilder().setUserId(email.substring(0, email.indexOf('@'))).setEmail(email).build())
        .setSubject("Bug assigned to you")
        .setTextBody("A bug needs you.")
        .setCreatedAt(createdAt)
        .build();
  }

  private static ProducerRecord<String, Notification> record(KafkaSettings settings, Notification n) {
    return new ProducerRecord<>(settings.topics().send().name(), n.getNotificationId(), n);
  }

  private static void produce(KafkaSettings settings, List<Notification> notifications) throws Exception {
    produceRecords(settings, notifications.stream().map(n -> record(settings, n)).toList());
  }

  private static void produceRecords(KafkaSettings settings, List<ProducerRecord<String, Notification>> records)
      throws Exception {
    Topic<String, Notification> send = settings.topics().send();
    try (KafkaProducer<String, Notification> producer = new KafkaProducer<>(settings.clientProperties(),
        new StringSerializer(), send.valueSerde().serializer())) {
      for (ProducerRecord<String, Notification> record : records) {
        producer.send(record).get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** The delivery delay's cumulative bucket of {@code priority} up to {@code le} seconds ({@code +Inf}: all). */
  private static double delayBucket(String scrape, String priority, String le) {
    return Scrape.samples(scrape).stream()
        .filter(s -> s.name().equals("notifier_delivery_delay_seconds_bucket")
            && priority.equals(s.labels().get("priority")) && ACCOUNT.equals(s.labels().get("account"))
            && seconds(le) == seconds(s.labels().get("le")))
        .mapToDouble(Scrape.Sample::value).findFirst()
        .orElseThrow(() -> new AssertionError("no bucket le=" + le + " of priority " + priority + " in the scrape"));
  }

  /** A bucket's bound as Prometheus writes it ({@code 60.0}, {@code +Inf}), in seconds. */
  private static double seconds(String le) {
    return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }

  /** Every record of a topic, from the beginning to its current end. */
  private static <V> List<ConsumerRecord<String, V>> readAll(KafkaSettings settings, Topic<String, V> topic) {
    Properties props = settings.clientProperties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, Serdes.String().deserializer(),
        topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static String scrape(ManagementServer server) {
    try {
      return Scrape.get(server.port(), Management.METRICS_PATH).body();
    } catch (Exception e) {
      throw new IllegalStateException("scrape failed: " + e, e);
    }
  }

  private static int status(int port, String path) {
    try {
      return Scrape.get(port, path).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(path + " failed: " + e, e);
    }
  }

  /** Whether the scrape has a per-partition lag of the send topic (the binder found the fetched partitions). */
  private static boolean bySendTopic(String scrape, Topics topics) {
    String topic = topics.send().name().replace('.', '_');
    return Scrape.samples(scrape).stream().anyMatch(s -> s.name().equals("kafka_consumer_fetch_manager_records_lag")
        && (topics.send().name().equals(s.labels().get("topic")) || topic.equals(s.labels().get("topic")))
        && s.labels().containsKey("partition"));
  }

  /** The sum of {@code name}'s samples of one Kafka client, named by its {@code client_id}. */
  private static double byClient(String scrape, String name, String clientId) {
    return sample(scrape, name, "client_id", clientId);
  }

  private static double sample(String scrape, String name, String label, String value) {
    return Scrape.samples(scrape).stream()
        .filter(s -> s.name().equals(name) && value.equals(s.labels().get(label))).mapToDouble(Scrape.Sample::value)
        .sum();
  }

  private static long count(List<ConsumerRecord<String, DeliveryStatus>> statuses, DeliveryState state) {
    return statuses.stream().filter(r -> r.value().getState() == state).count();
  }

  private static <T> Map<String, Double> countBy(List<T> items, Function<T, String> key) {
    Map<String, Double> counts = new TreeMap<>();
    items.forEach(item -> counts.merge(key.apply(item), 1.0, Double::sum));
    return counts;
  }
}
