package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.avro.Subject;
import dev.notifier.schemas.PortableSchema;
import dev.notifier.schemas.SchemaHistory;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.registry.OutputFormat;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryOutputs;
import dev.notifier.schemas.registry.RegistrySettings;
import dev.notifier.testkit.avro.NewerRelease;
import dev.notifier.testkit.registry.SchemaRegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The send, status and dead-letter topics' values with {@code streams.schemaRegistry.outputs}: written in the
 * registry's wire format only when asked, under subjects {@code notifier.send-value}, {@code notifier.status-value}
 * and {@code notifier.send.dlt-value}, their schema ids settled at start-up
 * (never registered unless {@code autoRegister}); read in both formats whatever is written, with schema
 * evolution as in single-object encoding and a schema id of another record type refused, not misread. The retry
 * and wait tiers, the workers' own, stay single-object; the real topology writes the send topic in the wire format.
 */
class RegistryOutputsTest {

  private static final String SUBJECT = "notifier.status-value";
  private static final String DLT_SUBJECT = "notifier.send.dlt-value";
  private static final String SEND_SUBJECT = "notifier.send-value";
  private final SchemaRegistryServer registry = SchemaRegistryServer.start();
  private final RegistryClient client = new RegistryClient(RegistrySettings.of(registry.url()), name -> null);

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void byDefaultStatusesAreWrittenSingleObjectAndTheWireFormatIsStillRead() {
    int id = registry.register(SUBJECT, PortableSchema.json(DeliveryStatus.getClassSchema()));
    Topics topics = RegistryOutputs.writing(Topics.standard(), client, RegistrySettings.of(registry.url()));

    byte[] written = serializer(topics).serialize(SUBJECT, status("n-1"));
    byte[] wire = wire(id, specificBody(status("n-2")));

    assertThat(written[0] & 0xFF).as("single-object marker C3 01").isEqualTo(0xC3);
    assertThat(deserializer(topics).deserialize("t", written).getNotificationId()).isEqualTo("n-1");
    assertThat(deserializer(topics).deserialize("t", wire).getNotificationId()).isEqualTo("n-2");
  }

  @Test
  void registryOutputsWithAnUnregisteredSchemaStopStartUpNamingTheSubjectAndTheFixAndRegisterNothing() {
    RegistrySettings settings = RegistrySettings.of(registry.url()).withOutputs(OutputFormat.REGISTRY, false);

    assertThatThrownBy(() -> RegistryOutputs.writing(Topics.standard(), client, settings))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streams.schemaRegistry.outputs")
        .hasMessageContaining("subject " + SUBJECT).hasMessageContaining("autoRegister: true")
        .hasMessageContaining("notifier schemas --avsc DeliveryStatus");
    assertThat(client.latest(SUBJECT)).isEmpty();
  }

  @Test
  void registryOutputsWriteTheWireFormatWithTheRegisteredIdAndReadBothFormats() {
    int id = registry.register(SUBJECT, PortableSchema.json(DeliveryStatus.getClassSchema()));
    registry.register(DLT_SUBJECT, PortableSchema.json(DeadLetter.getClassSchema()));
    registry.register(SEND_SUBJECT, PortableSchema.json(Notification.getClassSchema()));
    Topics topics = RegistryOutputs.writing(Topics.standard(), client,
        RegistrySettings.of(registry.url()).withOutputs(OutputFormat.REGISTRY, false));

    byte[] written = serializer(topics).serialize(SUBJECT, status("n-1"));
    byte[] singleObject = serializer(Topics.standard()).serialize(SUBJECT, status("n-2"));

    assertThat(written[0]).isZero();
    assertThat(ByteBuffer.wrap(written, 1, 4).getInt()).isEqualTo(id);
    DeliveryStatus read = deserializer(topics).deserialize("t", written);
    assertThat(read).isEqualTo(status("n-1"));
    assertThat(deserializer(topics).deserialize("t", singleObject).getNotificationId()).isEqualTo("n-2");
  }

  @Test
  void registryOutputsStopStartUpWhenTheRegistryDoesNotAnswerSayingWhatToDo() {
    registry.down();

    assertThatThrownBy(() -> RegistryOutputs.writing(Topics.standard(), client,
        RegistrySettings.of(registry.url()).withOutputs(OutputFormat.REGISTRY, true)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject " + SUBJECT)
        .hasMessageContaining("could not be settled").hasMessageContaining("outputs: single-object");
  }

  @Test
  void withAutoRegisterTheSchemaIsRegisteredAtStartUp() {
    RegistryOutputs.writing(Topics.standard(), client,
        RegistrySettings.of(registry.url()).withOutputs(OutputFormat.REGISTRY, true));

    assertThat(client.latest(SUBJECT)).isPresent();
  }

  @Test
  void aStatusWrittenWithAnOlderReleasesSchemaIsResolvedToTheCurrentOne() {
    Schema v1 = SchemaHistory.of("DeliveryStatus").get(0);
    int id = registry.register(SUBJECT, v1.toString());
    GenericRecord old = new GenericData.Record(v1);
    old.put("notificationId", "n-1");
    old.put("eventId", "e-1");
    old.put("eventType", "bug.assigned");
    old.put("state", new GenericData.EnumSymbol(v1.getField("state").schema(), "SENT"));
    old.put("attempts", 1);
    old.put("at", 1_700_000_000_000L);

    DeliveryStatus read = deserializer(RegistryOutputs.reading(Topics.standard(), client))
        .deserialize("t", wire(id, genericBody(v1, old)));

    assertThat(read.getState()).isEqualTo(DeliveryState.SENT);
    assertThat(read.getAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
  }

  @Test
  void singleObjectStatusesAndDeadLettersOfANewerReleaseAreReadThroughTheSchemaTopicBesideTheWireFormat() {
    // a newer release's worker, writing single-object encoding: a field more, a state this release lacks
    NewerRelease newerStatus = new NewerRelease(DeliveryStatus.getClassSchema(), "state", "BOUNCED_LATER");
    NewerRelease newerDeadLetter = new NewerRelease(DeadLetter.getClassSchema(), null, null);
    SchemaStore.Cache schemaTopic = new SchemaStore.Cache();
    schemaTopic.addSchema(newerStatus.schema());
    schemaTopic.addSchema(newerDeadLetter.schema());
    byte[] status = newerStatus.encode(Map.of("notificationId", "n-newer", "eventId", "e-newer",
        "eventType", "bug.assigned", "state", "BOUNCED_LATER", "at", 1_700_000_000_000L, "addedLater", "x"));
    byte[] deadLetter = newerDeadLetter.encode(Map.of("recordKey", "n-newer", "failureClass", "DEAD_RECIPIENT",
        "account", "default", "firstFailureAt", 1_700_000_000_000L, "lastFailureAt", 1_700_000_000_000L,
        "addedLater", "x"));

    Topics reading = RegistryOutputs.reading(Topics.standard().readingNewer(schemaTopic), client);

    assertThat(deserializer(reading).deserialize("notifier.status", status).getState())
        .isEqualTo(DeliveryState.UNKNOWN);
    assertThat(reading.deadLetters().valueSerde().deserializer().deserialize("notifier.send.dlt", deadLetter)
        .getRecordKey()).isEqualTo("n-newer");
    assertThatThrownBy(() -> deserializer(RegistryOutputs.reading(Topics.standard(), client))
        .deserialize("notifier.status", status)).as("without the schema topic").isInstanceOf(SerializationException.class);
  }

  @Test
  void aSchemaIdOfAnotherRecordTypeOrTrailingBytesAreRefusedNotMisread() {
    int eventId = registry.register("notifier.events-value", PortableSchema.json(DomainEvent.getClassSchema()));
    int statusId = registry.register(SUBJECT, PortableSchema.json(DeliveryStatus.getClassSchema()));
    Deserializer<DeliveryStatus> values = deserializer(RegistryOutputs.reading(Topics.standard(), client));
    byte[] body = specificBody(status("n-1"));
    byte[] longer = ByteBuffer.allocate(body.length + 1).put(body).put((byte) 2).array();

    assertThatThrownBy(() -> values.deserialize("notifier.status", wire(eventId, body)))
        .isInstanceOf(SerializationException.class).hasMessageContaining("not a DeliveryStatus");
    assertThatThrownBy(() -> values.deserialize("notifier.status", wire(statusId, longer)))
        .isInstanceOf(SerializationException.class).hasMessageContaining("not one Avro datum");
  }

  @Test
  void registryOutputsWriteDeadLettersInTheWireFormatUnderTheirOwnSubjectAndReadBothFormats() {
    registry.register(SUBJECT, PortableSchema.json(DeliveryStatus.getClassSchema()));
    int id = registry.register(DLT_SUBJECT, PortableSchema.json(DeadLetter.getClassSchema()));
    registry.register(SEND_SUBJECT, PortableSchema.json(Notification.getClassSchema()));
    Topics topics = RegistryOutputs.writing(Topics.standard(), client,
        RegistrySettings.of(registry.url()).withOutputs(OutputFormat.REGISTRY, false));
    Serializer<DeadLetter> single = Topics.standard().deadLetters().valueSerde().serializer();

    byte[] written = topics.deadLetters().valueSerde().serializer().serialize("notifier.send.dlt", deadLetter("n-1"));
    Deserializer<DeadLetter> values = RegistryOutputs.reading(Topics.standard(), client).deadLetters().valueSerde()
        .deserializer();

    assertThat(written[0]).isZero();
    assertThat(ByteBuffer.wrap(written, 1, 4).getInt()).isEqualTo(id);
    assertThat(values.deserialize("t", written)).isEqualTo(deadLetter("n-1"));
    assertThat(values.deserialize("t", single.serialize("t", deadLetter("n-2"))).getRecordKey()).isEqualTo("n-2");
  }

  @Test
  void registryOutputsStopStartUpNamingEverySubjectThatLacksItsSchema() {
    RegistrySettings settings = RegistrySettings.of(registry.url()).withOutputs(OutputFormat.REGISTRY, false);

    assertThatThrownBy(() -> RegistryOutputs.writing(Topics.standard(), client, settings))
        .hasMessageContaining("subject " + SUBJECT).hasMessageContaining("subject " + DLT_SUBJECT)
        .hasMessageContaining("subject " + SEND_SUBJECT)
        .hasMessageContaining("notifier schemas --avsc DeadLetter")
        .hasMessageContaining("notifier schemas --avsc Notification");
    registry.register(SUBJECT, PortableSchema.json(DeliveryStatus.getClassSchema()));
    assertThatThrownBy(() -> RegistryOutputs.writing(Topics.standard(), client, settings))
        .hasMessageContaining("subject " + DLT_SUBJECT).hasMessageContaining("subject " + SEND_SUBJECT)
        .hasMessageNotContaining("subject " + SUBJECT);
    registry.register(DLT_SUBJECT, PortableSchema.json(DeadLetter.getClassSchema()));
    assertThatThrownBy(() -> RegistryOutputs.writing(Topics.standard(), client, settings))
        .hasMessageContaining("subject " + SEND_SUBJECT).hasMessageContaining("POST /subjects/" + SEND_SUBJECT)
        .hasMessageNotContaining("subject " + DLT_SUBJECT);
    assertThat(client.latest(SEND_SUBJECT)).as("nothing registered").isEmpty();
  }

  @Test
  void aStatusSchemaIdOnTheDeadLetterTopicIsRefusedNotMisread() {
    int statusId = registry.register(SUBJECT, PortableSchema.json(DeliveryStatus.getClassSchema()));
    Deserializer<DeadLetter> values = RegistryOutputs.reading(Topics.standard(), client).deadLetters().valueSerde()
        .deserializer();

    assertThatThrownBy(() -> values.deserialize("notifier.send.dlt", wire(statusId, specificBody(status("n-1")))))
        .isInstanceOf(SerializationException.class).hasMessageContaining("not a DeadLetter");
  }

  @Test
  void registryOutputsWriteNotificationsInTheWireFormatUnderTheSendSubjectAndTheTiersStaySingleObject()
      throws IOException {
    Topics topics = RegistryOutputs.writing(Topics.standard(), client, registerAll());
    int id = registry.register(SEND_SUBJECT, PortableSchema.json(Notification.getClassSchema()));
    Notification n = notification("n-1");

    byte[] written = topics.send().valueSerde().serializer().serialize("notifier.send", n);
    Deserializer<Notification> values = RegistryOutputs.reading(Topics.standard(), client).send().valueSerde()
        .deserializer();

    assertThat(written[0]).as("magic byte 0").isZero();
    assertThat(ByteBuffer.wrap(written, 1, 4).getInt()).isEqualTo(id);
    assertThat(values.deserialize("t", written)).isEqualTo(n);
    assertThat(values.deserialize("t", Topics.notificationSerde().encode(notification("n-2"))).getNotificationId())
        .as("single-object still read").isEqualTo("n-2");
    for (var tier : topics.retryTopics()) {
      byte[] tierValue = tier.valueSerde().serializer().serialize(tier.name(), n);
      assertThat(tierValue[0] & 0xFF).as(tier.name() + ": single-object marker C3 01").isEqualTo(0xC3);
      assertThat(Topics.notificationSerde().decode(tierValue)).isEqualTo(n);
    }
  }

  @Test
  void aStatusSchemaIdOnTheSendTopicIsRefusedNotMisread() {
    int statusId = registry.register(SUBJECT, PortableSchema.json(DeliveryStatus.getClassSchema()));
    Deserializer<Notification> values = RegistryOutputs.reading(Topics.standard(), client).send().valueSerde()
        .deserializer();

    assertThatThrownBy(() -> values.deserialize("notifier.send", wire(statusId, specificBody(status("n-1")))))
        .isInstanceOf(SerializationException.class).hasMessageContaining("not a Notification");
  }

  @Test
  void theTopologyWritesTheSendTopicInTheWireFormatUnderTheRegisteredId() {
    Topics topics = RegistryOutputs.writing(Topics.standard(), client, registerAll());
    int id = registry.register(SEND_SUBJECT, PortableSchema.json(Notification.getClassSchema()));
    try (TopologyFixture fixture = new TopologyFixture(TopologySettings.defaults(topics, "default"))) {
      TestOutputTopic<String, byte[]> send = fixture.driver.createOutputTopic(topics.send().name(),
          new StringDeserializer(), new ByteArrayDeserializer());
      fixture.user("alice", "alice@example.com");
      fixture.user("bob", "bob@example.com");

      fixture.event("e-1", TopologyFixture.eventJson("e-1", "bug.assigned", "bob", "alice"));

      List<byte[]> values = send.readValuesToList();
      Deserializer<Notification> reader = RegistryOutputs.reading(Topics.standard(), client).send().valueSerde()
          .deserializer();
      assertThat(values).isNotEmpty().allSatisfy(v -> {
        assertThat(v[0]).as("magic byte 0").isZero();
        assertThat(ByteBuffer.wrap(v, 1, 4).getInt()).isEqualTo(id);
        assertThat(reader.deserialize(topics.send().name(), v).getRecipient().getEmail())
            .isEqualTo("alice@example.com");
      });
    }
  }

  @Test
  void anUnknownOutputFormatIsRefusedNamingKeyValueAndChoices() {
    assertThatThrownBy(() -> new RegistrySettings(List.of(registry.url()), null, null, null, null, null, null, null,
        null, null, "avro", null)).hasMessageContaining("streams.schemaRegistry.outputs is 'avro'")
        .hasMessageContaining("single-object, registry");
  }

  // --- fixtures -----------------------------------------------------------------------------

  /** Registry outputs with the three subjects' schemas registered by their owners. */
  private RegistrySettings registerAll() {
    registry.register(SUBJECT, PortableSchema.json(DeliveryStatus.getClassSchema()));
    registry.register(DLT_SUBJECT, PortableSchema.json(DeadLetter.getClassSchema()));
    registry.register(SEND_SUBJECT, PortableSchema.json(Notification.getClassSchema()));
    return RegistrySettings.of(registry.url()).withOutputs(OutputFormat.REGISTRY, false);
  }

  private static Notification notification(String id) {
    return Notification.newBuilder().setPriority(Priority.NORMAL).setNotificationId(id).setEventId("e-" + id)
        .setEventType("bug.assigned").setTemplate("bug-assigned").setAccount("default")
        .setRecipient(Recipient.newBuilder().setUserId("alice").setEmail("alice@example.com").build())
        .setSubject("Bug 42 assigned to you").setTextBody("Bug 42 needs you.")
        .setCreatedAt(Instant.parse("2026-11-21T10:00:01Z")).build();
  }

  private static Serializer<DeliveryStatus> serializer(Topics topics) {
    return topics.status().valueSerde().serializer();
  }

  private static Deserializer<DeliveryStatus> deserializer(Topics topics) {
    return topics.status().valueSerde().deserializer();
  }

  private static DeliveryStatus status(String id) {
    DomainEvent event = DomainEvent.newBuilder().setEventId("e-" + id).setType("bug.assigned").setSource("zentao")
        .setOccurredAt(Instant.parse("2026-11-21T10:00:00Z"))
        .setSubject(Subject.newBuilder().setKind("bug").setId("42").setTitle("Registry").build())
        .setTo(List.of()).setCc(List.of()).build();
    DeliveryStatus s = Statuses.noRule(event, Instant.parse("2026-11-21T10:00:01Z"));
    s.setNotificationId(id);
    return s;
  }

  private static DeadLetter deadLetter(String key) {
    return DeadLetter.newBuilder().setRecordKey(key).setFailureClass("DEAD_RECIPIENT").setKind("mailbox-unknown")
        .setReplyCode(550).setAccount("default").setFirstFailureAt(Instant.parse("2026-11-21T10:00:01Z"))
        .setLastFailureAt(Instant.parse("2026-11-21T10:00:02Z")).build();
  }

  private static byte[] wire(int id, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
  }

  private static byte[] specificBody(DeliveryStatus status) {
    return body(new SpecificDatumWriter<>(DeliveryStatus.getClassSchema(),
        SpecificData.getForClass(DeliveryStatus.class)), status);
  }

  private static byte[] genericBody(Schema schema, GenericRecord record) {
    return body(new GenericDatumWriter<>(schema), record);
  }

  private static <T> byte[] body(DatumWriter<T> writer, T record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      writer.write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
