package dev.notifier.cli.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Subject;
import dev.notifier.cli.NotifierCommand;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
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
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream producers keep the serializer they use: Debian's python3-confluent-kafka with its
 * AvroSerializer and a schema registry (a loopback server following the registry's REST contract)
 * publishes events the real topology reads and the real worker delivers; while the registry is down,
 * events of a schema the topology has not seen wait — none is filed invalid — and go out once it is
 * back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryInteropIntegrationTest {

  private static final Path EXAMPLES = Path.of("..", "examples", "producers").toAbsolutePath().normalize();
  static final Topics TOPICS = Topics.standard();

  EmbeddedKafka kafka;
  ScriptableSmtpServer smtp;
  private Registry registry;
  private StreamsApp app;
  private SenderWorker worker;
  private ExecutorService pool;

  @TempDir
  Path dir;

  /** The registry the producers, the topology and the worker use: testkit's; a subclass runs them against a real one. */
  protected Registry startRegistry() {
    return SchemaRegistryServer.start();
  }

  @BeforeAll
  void start() throws Exception {
    kafka = EmbeddedKafka.builder().partitions(3).start();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
    smtp = ScriptableSmtpServer.builder().build().start();
    registry = startRegistry();
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    app = new StreamsApp(settings, StreamsSettings.defaults().withApplicationId("registry-it")
        .withStateDir(Files.createTempDirectory("registry-it").toString())
        .withSchemaRegistry(RegistrySettings.of(registry.url())), AccountRouter.single("default"));
    worker = new SenderWorker(WorkerContext.builder(settings, new WorkerSettings(null, "registry-worker", null,
        List.of(AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test")))).build());
    app.start();
    pool = Executors.newSingleThreadExecutor();
    pool.submit(worker);
    try (Publisher publisher = new Publisher(settings.clientProperties(), TOPICS)) {
      publisher.publish(new BufferedReader(new StringReader("{\"userId\":\"alice\",\"email\":\"alice@example.com\"}\n"
          + "{\"userId\":\"carol\",\"email\":\"carol@example.com\"}")), RecordKind.USERS, false);
    }
    assertThat(app.awaitDirectory(2, 0, Duration.ofSeconds(60))).isTrue();
  }

  @AfterAll
  void stop() {
    Resources.closeInOrder(worker, app, registry, smtp, kafka, Resources.stopping(pool));
  }

  @Test
  @Order(1)
  void eventsFromConfluentsPythonAvroSerializerAreDelivered() throws Exception {
    requirePythonRegistryClient();
    Path schema = dir.resolve("DomainEvent.avsc");
    Files.writeString(schema, notifier("schemas", "--avsc", "DomainEvent"));

    String out = exec("/usr/bin/python3", EXAMPLES.resolve("produce_registry.py").toString(), "--bootstrap-server",
        kafka.bootstrapServers(), "--registry", registry.url(), "--schema", schema.toString(), "--event-id", "reg-1",
        "--event-id", "reg-2", "--type", "bug.assigned", "--actor", "carol", "--to", "alice");

    assertThat(out).contains("published reg-1 reg-2");
    assertThat(smtp.awaitMessages(2, Duration.ofSeconds(60))).allSatisfy(m ->
        assertThat(m.recipients()).containsExactly("alice@example.com"));
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.invalidEvents().name())).isZero();
  }

  @Test
  @Order(2)
  void whileTheRegistryIsDownNoEventIsFiledInvalidAndAllAreDeliveredOnceItIsBack() throws Exception {
    // a producer's newer schema (a field added with a default), registered while the registry was up ...
    Schema v2 = SchemaEdits.withStringField(DomainEvent.getClassSchema(), "ticketSystem", "zentao");
    int id = registry.register("notifier.events-value", v2.toString());
    int before = smtp.messages().size();
    // ... and then the registry goes down, with events of that schema on the way
    registry.down();
    try {
      whileDown(id, before);
    } finally {
      registry.up();
    }
    assertThat(smtp.awaitMessages(before + 5, Duration.ofSeconds(90))).hasSize(before + 5);
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.invalidEvents().name())).isZero();
  }

  @Test
  @Order(3)
  void publishingInTheRegistryFormatWithoutTheSchemaRegisteredStopsNamingTheSubjectAndTheFix() throws Exception {
    Path events = events("unregistered-1");
    try (SchemaRegistryServer empty = SchemaRegistryServer.start()) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();

      int code = NotifierCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "publish",
          "--format", "avro-registry", "--registry", empty.url(), "--bootstrap-server", kafka.bootstrapServers(),
          "--file", events.toString());

      assertThat(code).isEqualTo(2);
      assertThat(err.toString()).contains("subject notifier.events-value").contains("auto-registration is off")
          .contains("--auto-register").contains("notifier schemas --avsc DomainEvent");
      assertThat(out.toString()).doesNotContain("published");
    }
  }

  @Test
  @Order(4)
  void eventsPublishedInTheRegistryFormatAreDeliveredAndTheSchemaIsRegisteredOnlyWhenAsked() throws Exception {
    int before = smtp.messages().size();

    String first = notifier("publish", "--format", "avro-registry", "--auto-register", "--registry", registry.url(),
        "--bootstrap-server", kafka.bootstrapServers(), "--file", events("pub-1").toString());
    // registered now: a second publish looks the id up without being allowed to register
    String second = notifier("publish", "--format", "avro-registry", "--registry", registry.url(),
        "--bootstrap-server", kafka.bootstrapServers(), "--file", events("pub-2").toString());

    assertThat(first).contains("published 1 events");
    assertThat(second).contains("published 1 events");
    assertThat(smtp.awaitMessages(before + 2, Duration.ofSeconds(60))).hasSize(before + 2);
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.invalidEvents().name())).isZero();
    byte[] value = eventValue("pub-2");
    assertThat(value[0]).as("Confluent wire format: magic byte 0").isZero();
    assertThat(registry.schema(ByteBuffer.wrap(value, 1, 4).getInt())).isNotNull();
  }

  private Path events(String eventId) throws IOException {
    Path file = dir.resolve(eventId + ".jsonl");
    Files.writeString(file, "{\"eventId\":\"" + eventId + "\",\"type\":\"bug.assigned\",\"source\":\"zentao\","
        + "\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
        + "\"subject\":{\"kind\":\"bug\",\"id\":\"7\",\"title\":\"Published by notifier\"},"
        + "\"to\":[{\"userId\":\"alice\"}]}\n");
    return file;
  }

  private byte[] eventValue(String eventId) {
    List<byte[]> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumerProps("registry-it-read"),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(TOPICS.events().name()));
      Await.until(Duration.ofSeconds(30), "event " + eventId + " on the events topic", () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (eventId.equals(r.key())) {
            found.add(r.value());
          }
        });
        return !found.isEmpty();
      });
    }
    return found.get(0);
  }

  private void whileDown(int id, int before) throws Exception {
    Schema v2 = SchemaEdits.withStringField(DomainEvent.getClassSchema(), "ticketSystem", "zentao");
    int asked = registry.requests();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      for (int i = 1; i <= 5; i++) {
        producer.send(new ProducerRecord<>(TOPICS.events().name(), "down-" + i, wire(id, v2, "down-" + i))).get();
      }
    }
    // parked, then asked again every 2 s: three asks in vain
    Await.until(Duration.ofSeconds(30), "the topology asking the registry in vain",
        () -> registry.requests() >= asked + 3);
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.invalidEvents().name()))
        .as("nothing filed invalid while the registry is down").isZero();
    assertThat(smtp.messages()).hasSize(before);
  }

  // --- fixtures -----------------------------------------------------------------------------

  private static byte[] wire(int id, Schema writer, String eventId) throws IOException {
    DomainEvent event = DomainEvent.newBuilder().setEventId(eventId).setType("bug.assigned").setSource("zentao")
        .setOccurredAt(Instant.parse("2026-11-21T10:00:00Z")).setActor(dev.notifier.avro.Party.newBuilder()
            .setUserId("carol").build())
        .setSubject(Subject.newBuilder().setKind("bug").setId("9").setTitle("During the outage").build())
        .setTo(List.of(dev.notifier.avro.Party.newBuilder().setUserId("alice").build())).setCc(List.of()).build();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
    // the v2 writer's extra field is last and has a default: the v1 datum then the default's encoding
    new SpecificDatumWriter<>(DomainEvent.class).write(event, encoder);
    encoder.writeString("zentao");
    encoder.flush();
    byte[] b = body.toByteArray();
    return ByteBuffer.allocate(5 + b.length).put((byte) 0).putInt(id).put(b).array();
  }

  private static String notifier(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = NotifierCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(code).as("notifier %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }

  private static void requirePythonRegistryClient() {
    RequiredTools.require(RequiredTools.runs(Duration.ofSeconds(30), "/usr/bin/python3", "-c",
            "from confluent_kafka.schema_registry.avro import AvroSerializer"),
        "python3-confluent-kafka's AvroSerializer does not load here: apt-get install "
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
