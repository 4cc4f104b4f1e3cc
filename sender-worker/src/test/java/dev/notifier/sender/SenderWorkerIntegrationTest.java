package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Recipient;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.sender.deadletter.DeadLetters;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sender workers against one real in-JVM Kafka broker and a real SMTP server. Every test has its
 * own topic prefix and consumer group, so the tests share the broker but nothing else.
 */
class SenderWorkerIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String FROM = "noreply@notifier.test";
  private static final Instant CREATED = Instant.parse("2026-11-21T10:00:00Z");
  private static final AtomicInteger TEST_NUMBER = new AtomicInteger();

  private static EmbeddedKafka kafka;
  private static ExecutorService executor;

  private ScriptableSmtpServer smtp;
  private Topics topics;
  private KafkaSettings kafkaSettings;
  private String groupId;
  private final List<Running> workers = new ArrayList<>();

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(3).start();
    executor = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "sender-worker-under-test");
      thread.setDaemon(true);
      return thread;
    });
  }

  @AfterAll
  static void stopBroker() {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @BeforeEach
  void isolate() {
    String prefix = "t" + TEST_NUMBER.incrementAndGet() + ".";
    topics = Topics.withPrefix(prefix);
    kafkaSettings = new KafkaSettings(kafka.bootstrapServers(), prefix, Map.of());
    groupId = prefix + "senders";
    for (Topic<?, ?> topic : topics.all()) {
      boolean compacted = topics.compacted().contains(topic);
      kafka.createTopic(topic.name(), 3, compacted ? Map.of("cleanup.policy", "compact") : Map.of());
    }
  }

  @AfterEach
  void stopWorkersAndSmtp() throws Exception {
    for (Running running : workers) {
      running.stop();
    }
    if (smtp != null) {
      smtp.close();
    }
  }

  // ------------------------------------------------------------------------------------------- scenarios

  @Test
  void deliversEveryNotificationOverOneReusedConnectionAndRecordsSent() throws Exception {
    // Step 1: configure
    smtp = ScriptableSmtpServer.builder().start();
    Map<String, Notification> sent = new LinkedHashMap<>();
    for (int i = 1; i <= 5; i++) {
      Notification n = notification("a-" + i, "user" + i + "@example.com", "default");
      sent.put(n.getNotificationId(), n);
    }
    startWorker("worker-a", localAccount(), name -> null);

    // Step 2: produce
    produce(sent.values());

    // Step 3: verify
    List<ReceivedMessage> received = smtp.awaitMessages(5, TIMEOUT);
    assertThat(received).hasSize(5);
    for (ReceivedMessage message : received) {
      String id = idOf(message);
      Notification n = sent.get(id);
      assertThat(n).as("a message for a notification that was produced: %s", message).isNotNull();
      assertThat(message.mailFrom()).isEqualTo(FROM);
      assertThat(message.recipients()).containsExactly(n.getRecipient().getEmail());
      assertThat(message.subject()).contains(n.getSubject());
      assertThat(message.messageId()).contains("<" + n.getNotificationId() + "@notifier.test>");
    }
    assertThat(received).extracting(this::idOf).containsExactlyInAnyOrderElementsOf(sent.keySet());

    Map<String, DeliveryStatus> statuses = latestByKey(awaitRecords(topics.status(), 5));
    assertThat(statuses).containsOnlyKeys(sent.keySet());
    statuses.forEach((id, status) -> {
      assertThat(status.getState()).isEqualTo(DeliveryState.SENT);
      assertThat(status.getAccount()).isEqualTo("default");
      assertThat(status.getEmail()).isEqualTo(sent.get(id).getRecipient().getEmail());
      assertThat(status.getEventId()).isEqualTo(sent.get(id).getEventId());
    });

    awaitAllCommitted(groupId);
    assertThat(readToEnd(topics.deadLetters())).isEmpty();
    assertThat(smtp.connectionCount()).as("one SMTP connection reused for all 5 messages").isEqualTo(1);
    assertThat(smtp.rejectedCount()).isZero();
  }

  @Test
  void recipientRefusedWith550IsDeadLetteredAndTheOthersAreSent() throws Exception {
    // Step 1: configure
    smtp = ScriptableSmtpServer.builder().start();
    String refusal = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown";
    smtp.script().at(Stage.RCPT).matching("bob@").reply(refusal).always();
    Notification alice = notification("b-alice", "alice@example.com", "default");
    Notification bob = notification("b-bob", "bob@example.com", "default");
    Notification carol = notification("b-carol", "carol@example.com", "default");
    startWorker("worker-b", localAccount(), name -> null);

    // Step 2: produce
    Map<String, RecordMetadata> where = produce(List.of(alice, bob, carol));

    // Step 3: verify
    List<ConsumerRecord<String, DeadLetter>> dead = awaitRecords(topics.deadLetters(), 1);
    assertThat(dead).hasSize(1);
    ConsumerRecord<String, DeadLetter> record = dead.get(0);
    assertThat(record.key()).isEqualTo(bob.getNotificationId());
    DeadLetter letter = record.value();
    assertThat(letter.getNotification()).isEqualTo(bob);
    assertThat(letter.getFailureClass()).isEqualTo("DEAD_RECIPIENT");
    assertThat(letter.getReplyCode()).isEqualTo(550);
    assertThat(letter.getEnhancedCode()).isEqualTo("5.1.1");
    assertThat(letter.getReplyText()).isEqualTo("<bob@example.com>: Recipient address rejected: User unknown");
    assertThat(letter.getAccount()).isEqualTo("default");
    assertThat(letter.getWorkerId()).isEqualTo("worker-b");
    assertThat(letter.getAttempts()).isEqualTo(1);
    assertThat(letter.getFirstFailureAt()).isNotNull();
    RecordMetadata origin = where.get(bob.getNotificationId());
    assertThat(header(record, DeadLetters.ORIGINAL_TOPIC)).isEqualTo(topics.send().name());
    assertThat(header(record, DeadLetters.ORIGINAL_PARTITION)).isEqualTo(String.valueOf(origin.partition()));
    assertThat(header(record, DeadLetters.ORIGINAL_OFFSET)).isEqualTo(String.valueOf(origin.offset()));

    List<ReceivedMessage> received = smtp.awaitMessages(2, TIMEOUT);
    assertThat(received).extracting(m -> m.recipients().get(0))
        .containsExactlyInAnyOrder("alice@example.com", "carol@example.com");

    Map<String, DeliveryStatus> statuses = latestByKey(awaitRecords(topics.status(), 3));
    assertThat(statuses.get(alice.getNotificationId()).getState()).isEqualTo(DeliveryState.SENT);
    assertThat(statuses.get(carol.getNotificationId()).getState()).isEqualTo(DeliveryState.SENT);
    DeliveryStatus bobStatus = statuses.get(bob.getNotificationId());
    assertThat(bobStatus.getState()).isEqualTo(DeliveryState.DEAD);
    assertThat(bobStatus.getReason()).isEqualTo("DEAD_RECIPIENT");
    assertThat(bobStatus.getDetail()).contains("550");

    awaitAllCommitted(groupId);
    assertThat(readToEnd(topics.deadLetters())).hasSize(1);
    assertThat(smtp.messages()).hasSize(2);
  }

  @Test
  void wrongPasswordIsAnAccountErrorAndThePasswordIsNeverWrittenAnywhere() throws Exception {
    // Step 1: configure
    String password = "wrong";
    smtp = ScriptableSmtpServer.builder().user("u", "right").requireAuth(true).start();
    AccountSettings account = new AccountSettings("default", smtp.host(), smtp.port(), Security.NONE, FROM,
        "u", "SMTP_PW", null, "notifier.local", null, null);
    Function<String, String> env = name -> "SMTP_PW".equals(name) ? password : null;
    Notification n = notification("c-1", "dana@example.com", "default");
    startWorker("worker-c", account, env);

    // Step 2: produce
    produce(List.of(n));

    // Step 3: verify
    List<ConsumerRecord<String, DeadLetter>> dead = awaitRecords(topics.deadLetters(), 1);
    assertThat(dead).hasSize(1);
    DeadLetter letter = dead.get(0).value();
    assertThat(letter.getNotification().getNotificationId()).isEqualTo(n.getNotificationId());
    assertThat(letter.getFailureClass()).isEqualTo("ACCOUNT_ERROR");
    assertThat(letter.getReplyCode()).isEqualTo(535);
    assertThat(letter.getEnhancedCode()).isEqualTo("5.7.8");
    assertThat(letter.getAccount()).isEqualTo("default");

    List<ConsumerRecord<String, DeliveryStatus>> statuses = awaitRecords(topics.status(), 1);
    DeliveryStatus status = statuses.get(0).value();
    assertThat(status.getState()).isEqualTo(DeliveryState.DEAD);
    assertThat(status.getReason()).isEqualTo("ACCOUNT_ERROR");
    assertThat(status.getDetail()).contains("535").contains("as u");

    awaitAllCommitted(groupId);
    assertThat(smtp.messages()).isEmpty();
    List<String> transcript = smtp.transcripts().stream()
        .flatMap(t -> t.lines().stream()).toList();
    assertThat(transcript).as("the client did try to log in").anyMatch(line -> line.startsWith("C: AUTH"));

    List<String> forbidden = List.of(password,
        base64(password), base64(password).replace("=", ""),
        base64("\0u\0" + password), base64("\0u\0" + password).replace("=", ""));
    List<String> everythingWritten = new ArrayList<>(transcript);
    for (ConsumerRecord<String, DeadLetter> r : dead) {
      everythingWritten.add(r.value().toString());
      for (Header h : r.headers()) {
        everythingWritten.add(new String(h.value(), StandardCharsets.UTF_8));
      }
    }
    statuses.forEach(r -> everythingWritten.add(r.value().toString()));
    for (String text : everythingWritten) {
      for (String secret : forbidden) {
        assertThat(text).as("written text must not carry the password").doesNotContain(secret);
      }
    }
  }

  @Test
  void unknownAccountIsDeadLetteredAndTheNextNotificationIsStillDelivered() throws Exception {
    // Step 1: configure
    smtp = ScriptableSmtpServer.builder().start();
    Notification orphan = notification("d-orphan", "erin@example.com", "no-such-account");
    Notification next = notification("d-next", "frank@example.com", "default");
    startWorker("worker-d", localAccount(), name -> null);

    // Step 2: produce both to one partition, the orphan first
    Map<String, RecordMetadata> where = produceTo(0, List.of(orphan, next));
    assertThat(where.get(next.getNotificationId()).offset())
        .isGreaterThan(where.get(orphan.getNotificationId()).offset());

    // Step 3: verify
    List<ReceivedMessage> received = smtp.awaitMessages(1, TIMEOUT);
    assertThat(received).hasSize(1);
    assertThat(received.get(0).recipients()).containsExactly("frank@example.com");
    assertThat(idOf(received.get(0))).isEqualTo(next.getNotificationId());

    List<ConsumerRecord<String, DeadLetter>> dead = awaitRecords(topics.deadLetters(), 1);
    assertThat(dead).hasSize(1);
    DeadLetter letter = dead.get(0).value();
    assertThat(letter.getNotification()).isEqualTo(orphan);
    assertThat(letter.getFailureClass()).isEqualTo("UNKNOWN_ACCOUNT");
    assertThat(letter.getReplyCode()).isNull();
    assertThat(letter.getAccount()).isEqualTo("no-such-account");
    assertThat(letter.getReplyText()).contains("no-such-account");

    Map<String, DeliveryStatus> statuses = latestByKey(awaitRecords(topics.status(), 2));
    assertThat(statuses.get(orphan.getNotificationId()).getState()).isEqualTo(DeliveryState.DEAD);
    assertThat(statuses.get(orphan.getNotificationId()).getReason()).isEqualTo("UNKNOWN_ACCOUNT");
    assertThat(statuses.get(next.getNotificationId()).getState()).isEqualTo(DeliveryState.SENT);
    awaitAllCommitted(groupId);
  }

  @Test
  void committedOffsetsMeanASecondWorkerInTheGroupRedeliversNothing() throws Exception {
    // Step 1: configure a first worker and let it work through N notifications
    smtp = ScriptableSmtpServer.builder().start();
    int n = 6;
    List<Notification> batch = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      batch.add(notification("e-" + i, "user" + i + "@example.com", "default"));
    }
    Running first = startWorker("worker-e1", localAccount(), name -> null);
    produce(batch);
    assertThat(smtp.awaitMessages(n, TIMEOUT)).hasSize(n);
    Map<TopicPartition, Long> ends = awaitAllCommitted(groupId);
    assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(n);

    // Step 2: close it; what it committed stays committed
    first.stop();
    assertThat(committedOffsets(groupId)).isEqualTo(ends);

    // Step 3: a second worker in the same group gets only what is new
    startWorker("worker-e2", localAccount(), name -> null);
    Notification sentinel = notification("e-new", "newcomer@example.com", "default");
    produce(List.of(sentinel));

    List<ReceivedMessage> received = smtp.awaitMessages(n + 1, TIMEOUT);
    assertThat(received).hasSize(n + 1);
    assertThat(idOf(received.get(n))).isEqualTo(sentinel.getNotificationId());
    awaitAllCommitted(groupId);
    assertThat(smtp.messages()).as("no notification was sent twice").hasSize(n + 1)
        .extracting(this::idOf).doesNotHaveDuplicates();
    List<ConsumerRecord<String, DeliveryStatus>> statuses = readToEnd(topics.status());
    assertThat(statuses).hasSize(n + 1)
        .allSatisfy(r -> assertThat(r.value().getState()).isEqualTo(DeliveryState.SENT));
    assertThat(statuses).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
  }

  // ------------------------------------------------------------------------------------------- helpers

  private AccountSettings localAccount() {
    return AccountSettings.local("default", smtp.host(), smtp.port(), FROM);
  }

  private Running startWorker(String workerId, AccountSettings account, Function<String, String> env) {
    WorkerSettings settings = new WorkerSettings(groupId, workerId, Duration.ofMillis(100), List.of(account));
    SenderWorker worker = new SenderWorker(kafkaSettings, settings, Clock.systemUTC(), env);
    Running running = new Running(worker, executor.submit(worker));
    workers.add(running);
    return running;
  }

  /** A worker on the executor; stopping it closes it and surfaces anything its loop threw. */
  private static final class Running {
    private final SenderWorker worker;
    private final Future<?> loop;
    private boolean stopped;

    Running(SenderWorker worker, Future<?> loop) {
      this.worker = worker;
      this.loop = loop;
    }

    void stop() throws Exception {
      if (!stopped) {
        stopped = true;
        worker.close();
        loop.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  private static Notification notification(String eventId, String email, String account) {
    String id = java.util.UUID.nameUUIDFromBytes((eventId + "\n" + email).getBytes(StandardCharsets.UTF_8)).toString();
    return Notification.newBuilder()
        .setNotificationId(id)
        .setEventId(eventId)
        .setEventType("bug.assigned")
        .setTemplate("bug-assigned")
        .setAccount(account)
        .setRecipient(Recipient.newBuilder().setUserId(email.substring(0, email.indexOf('@'))).setEmail(email).build())
        .setSubject("Bug " + eventId + " assigned to you")
        .setTextBody("Event " + eventId + " needs you.")
        .setCreatedAt(CREATED)
        .build();
  }

  private Map<String, RecordMetadata> produce(Collection<Notification> notifications) throws Exception {
    return produceTo(null, notifications);
  }

  private Map<String, RecordMetadata> produceTo(Integer partition, Collection<Notification> notifications)
      throws Exception {
    Map<String, RecordMetadata> where = new HashMap<>();
    try (KafkaProducer<String, Notification> producer = new KafkaProducer<>(kafka.producerProps(),
        new StringSerializer(), topics.send().valueSerde().serializer())) {
      for (Notification n : notifications) {
        RecordMetadata metadata = producer.send(new ProducerRecord<>(topics.send().name(), partition,
            n.getNotificationId(), n)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        where.put(n.getNotificationId(), metadata);
      }
    }
    return where;
  }

  private <V> KafkaConsumer<String, V> readCommittedConsumer(Topic<String, V> topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        topic.valueSerde().deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  /** Polls {@code topic} from the beginning until {@code count} records arrived or the deadline passed. */
  private <V> List<ConsumerRecord<String, V>> awaitRecords(Topic<String, V> topic, int count) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (KafkaConsumer<String, V> consumer = readCommittedConsumer(topic)) {
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertThat(records).as("records in %s within %s", topic.name(), TIMEOUT).hasSizeGreaterThanOrEqualTo(count);
    return records;
  }

  /** Everything in {@code topic} up to its current end. */
  private <V> List<ConsumerRecord<String, V>> readToEnd(Topic<String, V> topic) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (KafkaConsumer<String, V> consumer = readCommittedConsumer(topic)) {
      Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
      while (!reached(consumer, ends) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertThat(reached(consumer, ends)).as("read %s to its end within %s", topic.name(), TIMEOUT).isTrue();
    }
    return records;
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private static <V> Map<String, V> latestByKey(List<ConsumerRecord<String, V>> records) {
    Map<String, V> latest = new LinkedHashMap<>();
    records.forEach(r -> latest.put(r.key(), r.value()));
    return latest;
  }

  private Map<TopicPartition, Long> endOffsetsOfSend() throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < 3; p++) {
        request.put(new TopicPartition(topics.send().name(), p), OffsetSpec.latest());
      }
      return admin.listOffsets(request).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
  }

  /** The group's committed offsets on the send topic; a partition never committed counts as 0. */
  private Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
    try (Admin admin = kafka.admin()) {
      return committedOffsets(admin, group);
    }
  }

  private Map<TopicPartition, Long> committedOffsets(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (int p = 0; p < 3; p++) {
      TopicPartition tp = new TopicPartition(topics.send().name(), p);
      OffsetAndMetadata o = committed.get(tp);
      offsets.put(tp, o == null ? 0L : o.offset());
    }
    return offsets;
  }

  /**
   * Waits until the group committed up to the end of every send partition; returns those ends. The
   * worker commits only after flushing its outcomes, so afterwards every status and dead letter is
   * durable and "nothing more in the DLT" is a fact, not a race.
   */
  private Map<TopicPartition, Long> awaitAllCommitted(String group) throws Exception {
    Map<TopicPartition, Long> ends = endOffsetsOfSend();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, Long> committed = committedOffsets(admin, group);
      while (!committed.equals(ends) && System.nanoTime() < deadline) {
        committed = committedOffsets(admin, group);
      }
      assertThat(committed).as("offsets committed by group %s", group).isEqualTo(ends);
    }
    return ends;
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header %s", name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  private String idOf(ReceivedMessage message) {
    String messageId = message.messageId().orElseThrow();
    assertThat(messageId).startsWith("<").endsWith("@notifier.test>");
    return messageId.substring(1, messageId.indexOf('@'));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
