package dev.notifier.cli.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.cli.console.ConsoleServer;
import dev.notifier.cli.console.ConsoleSettings;
import dev.notifier.cli.console.ConsoleUser;
import dev.notifier.cli.console.Passwords;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.PortableSchema;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.schemas.registry.OutputFormat;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryOutputs;
import dev.notifier.schemas.registry.RegistrySettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.RequiredTools;
import dev.notifier.testkit.Resources;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.registry.Registry;
import dev.notifier.testkit.registry.SchemaRegistryServer;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real topology and the real worker, configured with {@code streams.schemaRegistry.outputs: registry},
 * write the delivery ledger in the registry's wire format — queued and skipped by the topology, sent by
 * the worker — and the worker writes its dead letters (a 550 from the SMTP server) in it too; the topology
 * writes the send topic in it, and the worker reads it from there and delivers the mail: an independent
 * consumer (Debian's python3-confluent-kafka with its AvroDeserializer, fetching the writer schema by id)
 * reads all three, and the notifier's own readers, {@code notifier status}, {@code notifier dlt} and the
 * console, still do. A send record whose schema id the worker has not read yet waits while the registry
 * is down — no dead letter — and is mailed once it is back. The subjects' schemas are registered by their
 * owners beforehand: auto-registration stays off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryOutputsIntegrationTest {

  private static final Path EXAMPLES = Path.of("..", "examples", "consumers").toAbsolutePath().normalize();
  private static final Topics TOPICS = Topics.standard();
  private static final String DLT_SUBJECT = "notifier.send.dlt-value";
  private static final String SEND_SUBJECT = "notifier.send-value";
  private static final int JOIN_DELAY_MS = 2_000;

  private EmbeddedKafka kafka;
  private Registry registry;
  private StreamsApp app;
  private ScriptableSmtpServer smtp;
  private SenderWorker worker;
  private ExecutorService pool;

  /** The registry the topology, the worker and the readers use: testkit's; a subclass runs them against a real one. */
  protected Registry startRegistry() {
    return SchemaRegistryServer.start();
  }

  @BeforeAll
  void start() throws Exception {
    // Step 1: a cluster, a registry holding the status, dead-letter and notification schemas under
    // notifier.status-value, notifier.send.dlt-value and notifier.send-value, the topology
    // a group's first join waits as a production broker's does (3 s by default; testkit's brokers wait none), longer
    // than the Python readers' --idle 1: their idle clock starts when they have their partitions, not before
    kafka = EmbeddedKafka.builder().partitions(3)
        .brokerProperty("group.initial.rebalance.delay.ms", String.valueOf(JOIN_DELAY_MS)).start();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
    registry = startRegistry();
    registry.register("notifier.status-value", PortableSchema.json(DeliveryStatus.getClassSchema()));
    registry.register(DLT_SUBJECT, PortableSchema.json(DeadLetter.getClassSchema()));
    registry.register(SEND_SUBJECT, PortableSchema.json(Notification.getClassSchema()));
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    RegistrySettings outputs = RegistrySettings.of(registry.url()).withOutputs(OutputFormat.REGISTRY, false);
    app = new StreamsApp(settings, StreamsSettings.defaults().withApplicationId("registry-outputs-it")
        .withStateDir(Files.createTempDirectory("registry-outputs-it").toString())
        .withSchemaRegistry(outputs), AccountRouter.single("default"));
    smtp = ScriptableSmtpServer.builder().build().start();
    smtp.script().at(Stage.RCPT).matching("gone").reply("550 5.1.1 Recipient address rejected: User unknown").always();
    // as `notifier worker` wires it from the same config section
    worker = new SenderWorker(WorkerContext.builder(settings, new WorkerSettings(null, "registry-outputs-worker",
        null, List.of(AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test"))))
        .topics(RegistryOutputs.writingIfConfigured(settings.topics(), outputs)).build());
    app.start();
    pool = Executors.newSingleThreadExecutor();
    pool.submit(worker);
    // Step 2: a user, an event for her (queued) and one no rule matches (skipped)
    try (Publisher publisher = new Publisher(settings.clientProperties(), TOPICS)) {
      publisher.publish(new BufferedReader(new StringReader("{\"userId\":\"alice\",\"email\":\"alice@example.com\"}\n"
          + "{\"userId\":\"gus\",\"email\":\"gone@example.org\"}")), RecordKind.USERS, false);
      assertThat(app.awaitDirectory(2, 0, Duration.ofSeconds(60))).isTrue();
      publisher.publish(new BufferedReader(new StringReader(event("out-1", "bug.assigned", "alice") + "\n"
          + event("out-2", "wiki.page.edited", "alice") + "\n" + event("out-3", "bug.assigned", "gus"))),
          RecordKind.EVENTS, false);
    }
    assertThat(smtp.awaitMessages(1, Duration.ofSeconds(60))).hasSize(1);
    Await.forValue(Duration.ofSeconds(90), "the sent, skipped and dead notifications in the ledger",
        () -> latestStates(settings, outputs),
        states -> states.equals(Map.of("out-1", "SENT", "out-2", "SKIPPED", "out-3", "DEAD")));
  }

  @AfterAll
  void stop() {
    Resources.closeInOrder(worker, app, registry, smtp, kafka, Resources.stopping(pool));
  }

  @Test
  void everyStatusTheTopologyAndTheWorkerWriteIsInTheWireFormatUnderTheRegisteredId() {
    int id = registry.register("notifier.status-value", PortableSchema.json(DeliveryStatus.getClassSchema()));

    assertThat(allRawStatuses()).hasSizeGreaterThanOrEqualTo(5).allSatisfy(v -> {
      assertThat(v[0]).as("magic byte 0").isZero();
      assertThat(java.nio.ByteBuffer.wrap(v, 1, 4).getInt()).isEqualTo(id);
    });
  }

  @Test
  void confluentsPythonAvroDeserializerReadsTheLedger() throws Exception {
    requirePythonRegistryClient();

    String out = statusLines();

    assertThat(out).contains("state=QUEUED event=out-1 reason=None").contains("state=SENT event=out-1")
        .contains("state=DEAD event=out-3")
        .contains("state=SKIPPED event=out-2 reason=no-rule").doesNotContain("not-registry-format");
  }

  @Test
  void theDeadLetterTheWorkerWroteIsInTheWireFormatUnderTheRegisteredId() {
    int id = registry.register(DLT_SUBJECT, PortableSchema.json(DeadLetter.getClassSchema()));

    assertThat(rawValues(TOPICS.deadLetters().name())).isNotEmpty().allSatisfy(v -> {
      assertThat(v[0]).as("magic byte 0").isZero();
      assertThat(java.nio.ByteBuffer.wrap(v, 1, 4).getInt()).isEqualTo(id);
    });
  }

  @Test
  void theTopologyWritesTheSendTopicInTheWireFormatAndTheWorkerDeliversFromIt() {
    int id = registry.register(SEND_SUBJECT, PortableSchema.json(Notification.getClassSchema()));

    Map<String, byte[]> byKey = new HashMap<>();
    // the registry-down test's record, of a newer schema, is not the topology's
    read(TOPICS.send().name(), (key, value) -> {
      if (!key.startsWith("registry-down")) {
        byKey.put(key, value);
      }
    });

    assertThat(byKey.values()).as("out-1 and out-3").hasSizeGreaterThanOrEqualTo(2).allSatisfy(v -> {
      assertThat(v[0]).as("magic byte 0").isZero();
      assertThat(java.nio.ByteBuffer.wrap(v, 1, 4).getInt()).isEqualTo(id);
    });
    // the one mail of step 2, read by the worker from the wire format
    assertThat(smtp.messages()).anySatisfy(m -> assertThat(m.recipients()).contains("alice@example.com"));
  }

  @Test
  void confluentsPythonAvroDeserializerReadsTheSendTopic() throws Exception {
    requirePythonRegistryClient();

    String out = exec("/usr/bin/python3", EXAMPLES.resolve("consume_registry.py").toString(), "--bootstrap-server",
        kafka.bootstrapServers(), "--registry", registry.url(), "--topic", TOPICS.send().name(), "--idle", "1");

    assertThat(out).contains("to=alice@example.com template=bug account=default event=out-1")
        .contains("to=gone@example.org template=bug account=default event=out-3")
        .doesNotContain("not-registry-format");
  }

  @Test
  void aSendRecordOfASchemaIdTheWorkerHasNotReadWaitsWhileTheRegistryIsDownAndIsMailedWhenItIsBack()
      throws Exception {
    // a producer of a newer Notification schema (one more field, with a default) writes while the registry is down
    int id = registry.register(SEND_SUBJECT, SchemaEdits.withStringField(Notification.getClassSchema(), "note", "").toString());
    Notification n = Notification.newBuilder().setPriority(Priority.NORMAL).setNotificationId("registry-down-1")
        .setEventId("registry-down").setEventType("bug.assigned").setTemplate("bug-assigned").setAccount("default")
        .setRecipient(Recipient.newBuilder().setUserId("dora").setEmail("dora@example.com").build())
        .setSubject("Bug 7 assigned to you").setTextBody("Bug 7 needs you.").setCreatedAt(Instant.now()).build();
    byte[] body = singleObjectBody(Topics.notificationSerde().encode(n));
    // the v1 body, then the added string field "" (length 0): the body of the newer schema
    byte[] wire = java.nio.ByteBuffer.allocate(5 + body.length + 1).put((byte) 0).putInt(id).put(body).put((byte) 0)
        .array();
    registry.down();
    try {
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
          new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(TOPICS.send().name(), n.getNotificationId(), wire)).get();
      }
      int asked = registry.requests();
      Await.forValue(Duration.ofSeconds(30), "the worker asking the registry for schema id " + id,
          registry::requests, count -> count > asked);
      Thread.sleep(3_000);

      assertThat(keys(TOPICS.deadLetters().name())).as("no dead letter while the registry is down")
          .doesNotContain(n.getNotificationId());
      assertThat(smtp.messages()).noneSatisfy(m -> assertThat(m.recipients()).contains("dora@example.com"));
    } finally {
      registry.up();
    }
    Await.forValue(Duration.ofSeconds(60), "dora's mail, once the registry answers", smtp::messages,
        messages -> messages.stream().anyMatch(m -> m.recipients().contains("dora@example.com")));
    assertThat(keys(TOPICS.deadLetters().name())).doesNotContain(n.getNotificationId());
  }

  @Test
  void confluentsPythonAvroDeserializerReadsTheDeadLetters() throws Exception {
    requirePythonRegistryClient();

    String out = exec("/usr/bin/python3", EXAMPLES.resolve("consume_registry.py").toString(), "--bootstrap-server",
        kafka.bootstrapServers(), "--registry", registry.url(), "--topic", TOPICS.deadLetters().name(), "--idle", "1");

    assertThat(out).contains("class=DEAD_RECIPIENT kind=mailbox-unknown code=550 to=gone@example.org event=out-3")
        .doesNotContain("not-registry-format");
  }

  @Test
  void notifierDltListReadsTheWireFormatWithTheRegistryItsConfigNames() throws Exception {
    Path config = OpsTestSupport.configFile(kafka.bootstrapServers(), "", "streams:",
        "  schemaRegistry:", "    urls: [" + registry.url() + "]");

    OpsTestSupport.Run table = OpsTestSupport.run("dlt", "list", "--config", config.toString(), "--event", "out-3");
    OpsTestSupport.Run jsonl = OpsTestSupport.run("dlt", "list", "--config", config.toString(), "--format", "jsonl",
        "--class", "DEAD_RECIPIENT");

    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).contains("gone@example.org").contains("DEAD_RECIPIENT");
    assertThat(table.err()).doesNotContain("not readable");
    assertThat(jsonl.code()).as(jsonl.err()).isZero();
    assertThat(jsonl.out()).contains("gone@example.org").contains("550");
  }

  @Test
  void withoutARegistryConfiguredNotifierDltListSaysWhatItCouldNotRead() {
    OpsTestSupport.Run run = OpsTestSupport.run("dlt", "list", "--bootstrap-server", kafka.bootstrapServers());

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("0 dead letter(s)");
    assertThat(run.err()).contains("in a schema registry's wire format").contains("streams.schemaRegistry");
  }

  @Test
  void withTheRegistryDownNotifierDltListSaysWhyAndAsksItOnceNotOncePerRecord() throws Exception {
    Path config = OpsTestSupport.configFile(kafka.bootstrapServers(), "", "streams:",
        "  schemaRegistry:", "    urls: [" + registry.url() + "]");
    byte[] letter = rawValues(TOPICS.deadLetters().name()).get(0);
    // two more wire-format dead letters, copies of the worker's: a reader that asked per record would ask thrice
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(TOPICS.deadLetters().name(), letter)).get();
      producer.send(new ProducerRecord<>(TOPICS.deadLetters().name(), letter)).get();
    }
    registry.down();
    try {
      int asked = registry.requests();
      OpsTestSupport.Run run = OpsTestSupport.run("dlt", "list", "--config", config.toString());

      assertThat(run.code()).isZero();
      assertThat(run.err()).containsPattern("\\d+ of them in a schema registry's wire format \\(the first: ");
      int unread = Integer.parseInt(run.err().replaceAll("(?s).*?(\\d+) of them.*", "$1"));
      assertThat(unread).isGreaterThanOrEqualTo(3);
      assertThat(registry.requests() - asked).as("asks of a registry that is down").isEqualTo(1);
    } finally {
      registry.up();
    }
  }

  @Test
  void notifierStatusReadsTheWireFormatWithTheRegistryItsConfigNames() throws Exception {
    Path config = OpsTestSupport.configFile(kafka.bootstrapServers(), "", "streams:",
        "  schemaRegistry:", "    urls: [" + registry.url() + "]", "    outputs: registry");

    OpsTestSupport.Run queued = OpsTestSupport.run("status", "--config", config.toString(), "--event", "out-1");
    OpsTestSupport.Run skipped = OpsTestSupport.run("status", "--config", config.toString(), "--event", "out-2");

    assertThat(queued.code()).as(queued.err()).isZero();
    assertThat(queued.out()).contains("event out-1 (bug.assigned): 1 notification(s) — SENT 1")
        .contains("alice@example.com");
    assertThat(skipped.code()).as(skipped.err()).isZero();
    assertThat(skipped.out()).contains("SKIPPED").contains("no-rule");
  }

  @Test
  void withoutARegistryConfiguredNotifierStatusSaysWhatItCouldNotRead() {
    OpsTestSupport.Run run = OpsTestSupport.run("status", "--bootstrap-server", kafka.bootstrapServers(),
        "--event", "out-1");

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("in a schema registry's wire format were not read")
        .contains("streams.schemaRegistry");
  }

  @Test
  void withTheRegistryDownNotifierStatusSaysWhyAndAsksItOnceNotOncePerRecord() throws Exception {
    Path config = OpsTestSupport.configFile(kafka.bootstrapServers(), "", "streams:",
        "  schemaRegistry:", "    urls: [" + registry.url() + "]");
    int records = allRawStatuses().size();
    registry.down();
    try {
      int asked = registry.requests();
      OpsTestSupport.Run run = OpsTestSupport.run("status", "--config", config.toString(), "--event", "out-1");

      assertThat(run.code()).isEqualTo(1);
      // at least what was there before: a replay's statuses may still be arriving
      assertThat(run.err()).containsPattern("(\\d+) status record\\(s\\) in a schema registry's wire format were "
          + "not read \\(the first: ");
      int unread = Integer.parseInt(run.err().replaceAll("(?s).*?(\\d+) status record\\(s\\).*", "$1"));
      assertThat(unread).isGreaterThanOrEqualTo(records);
      assertThat(registry.requests() - asked).as("asks of a registry that is down").isLessThan(records);
    } finally {
      registry.up();
    }
  }

  @Test
  void aReplayReadsTheDeadLetterAndStatusFromTheWireFormatAndWritesItsQueuedStatusInIt() throws Exception {
    Path config = OpsTestSupport.configFile(kafka.bootstrapServers(), "", "streams:",
        "  schemaRegistry:", "    urls: [" + registry.url() + "]", "    outputs: registry");
    int before = allRawStatuses().size();

    OpsTestSupport.Run replay = OpsTestSupport.run("dlt", "replay", "--config", config.toString(), "--event", "out-3",
        "--reason", "registry-outputs test");

    assertThat(replay.code()).as(replay.err()).isZero();
    // the dead letter is read from the wire format; copies of it (the registry-down test's) are superseded
    assertThat(replay.out()).containsPattern("replayed 1 of [13] matching dead letter");
    List<byte[]> after = allRawStatuses();
    assertThat(after).hasSizeGreaterThan(before).allSatisfy(v -> assertThat(v[0]).as("magic byte 0").isZero());
    // the notification goes back to the send topic in the send topic's format, under its subject's id
    int sendId = registry.register(SEND_SUBJECT, PortableSchema.json(Notification.getClassSchema()));
    Deserializer<Notification> notifications = RegistryOutputs.readingIfConfigured(TOPICS,
        RegistrySettings.of(registry.url())).send().valueSerde().deserializer();
    assertThat(rawValues(TOPICS.send().name())).filteredOn(v -> v[0] == 0 && java.nio.ByteBuffer.wrap(v, 1, 4)
        .getInt() == sendId).map(v -> notifications.deserialize(TOPICS.send().name(), v).getEventId())
        .as("out-3 written by the topology, then by the replay").filteredOn("out-3"::equals).hasSize(2);
    Deserializer<DeliveryStatus> values = RegistryOutputs.readingIfConfigured(TOPICS,
        RegistrySettings.of(registry.url())).status().valueSerde().deserializer();
    assertThat(after.stream().map(v -> values.deserialize(TOPICS.status().name(), v)))
        .anySatisfy(s -> {
          assertThat(s.getEventId()).isEqualTo("out-3");
          assertThat(s.getState().name()).isEqualTo("QUEUED");
          assertThat(s.getReason()).isEqualTo("replayed");
        });
  }

  @Test
  void theStreamsAppDoesNotStartWhenTheSubjectLacksTheSchemaAndAutoRegistrationIsOff() throws Exception {
    try (SchemaRegistryServer empty = SchemaRegistryServer.start()) {
      StreamsSettings settings = StreamsSettings.defaults().withApplicationId("registry-outputs-unregistered")
          .withStateDir(Files.createTempDirectory("registry-outputs-unregistered").toString())
          .withSchemaRegistry(RegistrySettings.of(empty.url()).withOutputs(OutputFormat.REGISTRY, false));

      assertThatThrownBy(() -> new StreamsApp(KafkaSettings.of(kafka.bootstrapServers()), settings,
          AccountRouter.single("default")))
          .hasMessageContaining("streams.schemaRegistry.outputs is registry")
          .hasMessageContaining("subject notifier.status-value")
          .hasMessageContaining("streams.schemaRegistry.autoRegister: true");
      assertThat(new RegistryClient(RegistrySettings.of(empty.url()), name -> null).latest("notifier.status-value"))
          .as("nothing registered").isEmpty();
    }
  }

  @Test
  void theConsoleShowsANotificationsHistoryAndTheDeadLettersFromTheWireFormat() throws Exception {
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    RegistrySettings outputs = RegistrySettings.of(registry.url()).withOutputs(OutputFormat.REGISTRY, false);
    String id = notificationIdOf("out-1", settings, outputs);
    ConsoleSettings consoleSettings = new ConsoleSettings("127.0.0.1", 0, List.of(
        new ConsoleUser.Configured("vera", Passwords.hash("vera-pw".toCharArray()), "viewer")), null, null, List.of());
    // as `notifier console --config FILE` wires it
    try (ConsoleServer console = ConsoleServer.start(consoleSettings, settings,
        RegistryOutputs.writingIfConfigured(settings.topics(), outputs), a -> "noreply@notifier.test",
        Clock.systemUTC())) {
      HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + console.port() + "/notification?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8)))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
              "vera:vera-pw".getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<td class=\"state\">QUEUED</td>").contains("<td class=\"state\">SENT</td>");
      HttpResponse<String> deadLetters = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + console.port() + "/dead-letters"))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
              "vera:vera-pw".getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(deadLetters.statusCode()).isEqualTo(200);
      assertThat(deadLetters.body()).as("the dead letter, read from the wire format").contains("gone@example.org")
          .doesNotContain("not readable");
    }
  }

  // --- fixtures -----------------------------------------------------------------------------

  /** The Avro body of a single-object value: what follows its 10-byte header. */
  private static byte[] singleObjectBody(byte[] singleObject) {
    return java.util.Arrays.copyOfRange(singleObject, 10, singleObject.length);
  }

  private static String event(String eventId, String type, String to) {
    return "{\"eventId\":\"" + eventId + "\",\"type\":\"" + type + "\",\"source\":\"zentao\","
        + "\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
        + "\"subject\":{\"kind\":\"bug\",\"id\":\"7\",\"title\":\"Ledger for analysts\"},"
        + "\"to\":[{\"userId\":\"" + to + "\"}]}";
  }

  /** The latest state of each event's notification, as the notifier's own status serde reads the ledger. */
  private Map<String, String> latestStates(KafkaSettings settings, RegistrySettings registrySettings) {
    Deserializer<DeliveryStatus> values = RegistryOutputs.readingIfConfigured(settings.topics(), registrySettings)
        .status().valueSerde().deserializer();
    Map<String, String> states = new HashMap<>();
    rawStatuses().values().forEach(v -> {
      DeliveryStatus s = values.deserialize(TOPICS.status().name(), v);
      states.put(s.getEventId(), s.getState().name());
    });
    return states;
  }

  private String notificationIdOf(String eventId, KafkaSettings settings, RegistrySettings outputs) {
    Deserializer<DeliveryStatus> values = RegistryOutputs.readingIfConfigured(settings.topics(), outputs)
        .status().valueSerde().deserializer();
    return rawStatuses().values().stream().map(v -> values.deserialize(TOPICS.status().name(), v))
        .filter(s -> s.getEventId().equals(eventId)).findFirst().orElseThrow().getNotificationId();
  }

  /** What the python consumer prints of the whole ledger. */
  private String statusLines() {
    try {
      return exec("/usr/bin/python3", EXAMPLES.resolve("consume_registry.py").toString(), "--bootstrap-server",
          kafka.bootstrapServers(), "--registry", registry.url(), "--idle", "1");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The status topic's committed values by key (the latest of each), as bytes. */
  private Map<String, byte[]> rawStatuses() {
    Map<String, byte[]> values = new HashMap<>();
    readStatuses((key, value) -> values.put(key, value));
    return values;
  }

  /** Every committed value of the status topic, as bytes. */
  private List<byte[]> allRawStatuses() {
    List<byte[]> values = new java.util.ArrayList<>();
    readStatuses((key, value) -> values.add(value));
    return values;
  }

  /** The keys of every committed record of {@code topic}. */
  private List<String> keys(String topic) {
    List<String> keys = new java.util.ArrayList<>();
    read(topic, (key, value) -> keys.add(key));
    return keys;
  }

  /** Every committed value of {@code topic}, as bytes. */
  private List<byte[]> rawValues(String topic) {
    List<byte[]> values = new java.util.ArrayList<>();
    read(topic, (key, value) -> values.add(value));
    return values;
  }

  private void readStatuses(java.util.function.BiConsumer<String, byte[]> each) {
    read(TOPICS.status().name(), each);
  }

  /**
   * Every committed record of {@code topic} up to its end when called, as {@code notifier dlt} and {@code notifier
   * status} read it.
   */
  private void read(String topic, java.util.function.BiConsumer<String, byte[]> each) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    new TopicReader(props, Duration.ofSeconds(30), Clock.systemUTC()).read(topic, r -> each.accept(r.key(), r.value()));
  }

  private static void requirePythonRegistryClient() {
    RequiredTools.require(RequiredTools.runs(Duration.ofSeconds(30), "/usr/bin/python3", "-c",
            "from confluent_kafka.schema_registry.avro import AvroDeserializer"),
        "python3-confluent-kafka's AvroDeserializer does not load here: apt-get install "
            + "python3-confluent-kafka python3-requests, and the fastavro wheel (.ci/run does)");
  }

  private static String exec(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(done).as("%s finished: %s", command[0], out).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
    return out;
  }
}
