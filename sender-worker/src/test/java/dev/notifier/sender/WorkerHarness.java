package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicAdmin;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.config.Transport;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import dev.notifier.testkit.Await;
import java.nio.charset.StandardCharsets;
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
import java.util.UUID;
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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the sender-worker integration tests share: a topic prefix, topics and a consumer group of
 * their own on the class's broker, workers run on an executor, and ways to produce notifications
 * and read back statuses, retries and dead letters. Waits are bounded polls, never sleeps.
 */
final class WorkerHarness implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String FROM = "noreply@notifier.test";
  static final Instant CREATED = Instant.parse("2026-11-21T10:00:00Z");
  private static final AtomicInteger TEST_NUMBER = new AtomicInteger();

  final EmbeddedKafka kafka;
  final Topics topics;
  KafkaSettings kafkaSettings;
  final String groupId;
  int partitions;
  private final ExecutorService executor;
  private final List<Running> workers = new ArrayList<>();
  ScriptableSmtpServer smtp;
  /** The keys the workers this harness starts check and sign with; off unless a test sets it. */
  dev.notifier.schemas.integrity.Keyring integrity = dev.notifier.schemas.integrity.Keyring.off();

  WorkerHarness(EmbeddedKafka kafka, ExecutorService executor) {
    this(kafka, executor, 3);
  }

  /** A harness whose topics have {@code partitions} partitions each. */
  WorkerHarness(EmbeddedKafka kafka, ExecutorService executor, int partitions) {
    this.partitions = partitions;
    this.kafka = kafka;
    this.executor = executor;
    String prefix = "t" + TEST_NUMBER.incrementAndGet() + ".";
    topics = Topics.withPrefix(prefix);
    kafkaSettings = new KafkaSettings(kafka.bootstrapServers(), prefix, Map.of());
    groupId = prefix + "senders";
    kafka.createTopics(TopicLayout.of(partitions).newTopics(topics));
  }

  /** An executor for workers under test: daemon threads, so a stuck worker cannot hang the JVM. */
  static ExecutorService workerExecutor() {
    return Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "sender-worker-under-test");
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public void close() throws Exception {
    for (Running running : workers) {
      running.stop();
    }
    if (smtp != null) {
      smtp.close();
    }
  }


  /** Workers started from now on get {@code properties} under {@code kafka.properties}. */
  void kafkaProperties(Map<String, String> properties) {
    kafkaSettings = new KafkaSettings(kafkaSettings.bootstrapServers(), kafkaSettings.topicPrefix(), properties);
  }

  /** Gives the send topic and every retry and wait tier {@code count} partitions, as {@code notifier topics grow}. */
  void growSendTopics(int count) throws Exception {
    try (Admin admin = kafka.admin()) {
      TopicAdmin topicAdmin = new TopicAdmin(admin, TIMEOUT);
      assertThat(topicAdmin.grow(topicAdmin.sendAndTiers(topics).keySet(), count)).as("topics not grown").isEmpty();
    }
    partitions = count;
  }

  AccountSettings localAccount() {
    return AccountSettings.local("default", smtp.host(), smtp.port(), FROM);
  }

  Running startWorker(String workerId, AccountSettings account, Function<String, String> env) {
    return startWorker(new WorkerSettings(groupId, workerId, Duration.ofMillis(100), List.of(account)), env);
  }

  Running startWorker(WorkerSettings settings, Function<String, String> env) {
    return startWorker(settings, env, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  /** A worker whose meters go to {@code registry}, for tests that read them. */
  Running startWorker(WorkerSettings settings, Function<String, String> env,
      io.micrometer.core.instrument.MeterRegistry registry) {
    SenderWorker worker = new SenderWorker(WorkerContext.builder(kafkaSettings, onTestedTransport(settings)).env(env)
        .meterRegistry(registry).integrity(integrity).build());
    Running running = new Running(worker, executor.submit(worker));
    workers.add(running);
    return running;
  }

  /**
   * The settings with every account on the SMTP client the run asks for: {@code
   * -Dnotifier.test.transport=angus} (or {@code pipelining}, {@code auto}) runs the worker suites on
   * that client; unset, each account keeps its own ({@code auto} by default, which pipelines with the
   * testkit server).
   */
  static WorkerSettings onTestedTransport(WorkerSettings settings) {
    String wanted = System.getProperty("notifier.test.transport");
    if (wanted == null || wanted.isBlank()) {
      return settings;
    }
    Transport transport = Transport.parse(wanted);
    return new WorkerSettings(settings.groupId(), settings.workerId(), settings.pollTimeout(),
        settings.accounts().stream().map(a -> a.withTransport(transport)).toList(), settings.drainTimeout(),
        settings.backlog(), settings.backoff(), settings.breaker());
  }

  /** A worker on the executor; stopping it closes it and surfaces anything its loop threw. */
  static final class Running {
    private final SenderWorker worker;
    private final Future<?> loop;
    private boolean stopped;

    Running(SenderWorker worker, Future<?> loop) {
      this.worker = worker;
      this.loop = loop;
    }

    SenderWorker worker() {
      return worker;
    }

    void stop() throws Exception {
      if (!stopped) {
        stopped = true;
        worker.close();
        loop.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  static Notification notification(String eventId, String email, String account) {
    String id = java.util.UUID.nameUUIDFromBytes((eventId + "\n" + email).getBytes(StandardCharsets.UTF_8)).toString();
    return Notification.newBuilder().setPriority(Priority.NORMAL)
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

  /** Produces round-robin over the send topic's partitions, so every partition fills at the same pace. */
  void produceSpread(List<Notification> notifications) throws Exception {
    try (KafkaProducer<String, Notification> producer = new KafkaProducer<>(kafka.producerProps(),
        new StringSerializer(), topics.send().valueSerde().serializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < notifications.size(); i++) {
        Notification n = notifications.get(i);
        sent.add(producer.send(new ProducerRecord<>(topics.send().name(), i % partitions, n.getNotificationId(), n)));
      }
      for (Future<RecordMetadata> future : sent) {
        future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Writes {@code notifications} round-robin over the send topic's partitions in one transaction, as the
   * streams app writes them, committed or aborted: every partition then ends with the transaction's marker.
   */
  void produceInTransaction(List<Notification> notifications, boolean commit) {
    Properties props = kafka.producerProps();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId + "-txn-" + UUID.randomUUID());
    try (KafkaProducer<String, Notification> producer = new KafkaProducer<>(props, new StringSerializer(),
        topics.send().valueSerde().serializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < notifications.size(); i++) {
        Notification n = notifications.get(i);
        producer.send(new ProducerRecord<>(topics.send().name(), i % partitions, n.getNotificationId(), n));
      }
      if (commit) {
        producer.commitTransaction();
      } else {
        producer.flush();
        producer.abortTransaction();
      }
    }
  }

  Map<String, RecordMetadata> produce(Collection<Notification> notifications) throws Exception {
    return produceTo(null, notifications);
  }

  Map<String, RecordMetadata> produceTo(Integer partition, Collection<Notification> notifications)
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

  <V> KafkaConsumer<String, V> readCommittedConsumer(Topic<String, V> topic) {
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
  <V> List<ConsumerRecord<String, V>> awaitRecords(Topic<String, V> topic, int count) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = readCommittedConsumer(topic)) {
      Await.until(TIMEOUT, count + " records in " + topic.name(), () -> {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        return records.size() >= count;
      });
    }
    return records;
  }

  /** Everything in {@code topic} up to its current end. */
  <V> List<ConsumerRecord<String, V>> readToEnd(Topic<String, V> topic) {
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

  static <V> Map<String, V> latestByKey(List<ConsumerRecord<String, V>> records) {
    Map<String, V> latest = new LinkedHashMap<>();
    records.forEach(r -> latest.put(r.key(), r.value()));
    return latest;
  }

  Map<TopicPartition, Long> endOffsetsOfSend() throws Exception {
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
  Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
    try (Admin admin = kafka.admin()) {
      return committedOffsets(admin, group);
    }
  }

  Map<TopicPartition, Long> committedOffsets(Admin admin, String group) throws Exception {
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
  Map<TopicPartition, Long> awaitAllCommitted(String group) throws Exception {
    Map<TopicPartition, Long> ends = endOffsetsOfSend();
    try (Admin admin = kafka.admin()) {
      Await.forValue(TIMEOUT, "offsets committed by group " + group + " up to " + ends, () -> {
        try {
          return committedOffsets(admin, group);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, ends::equals);
    }
    return ends;
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header %s", name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  String idOf(ReceivedMessage message) {
    String messageId = message.messageId().orElseThrow();
    assertThat(messageId).startsWith("<").endsWith("@notifier.test>");
    return messageId.substring(1, messageId.indexOf('@'));
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
