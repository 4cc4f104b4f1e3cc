package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.schemas.PortableSchema;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.registry.OutputFormat;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryOutputs;
import dev.notifier.schemas.registry.RegistrySettings;
import dev.notifier.schemas.registry.RegistryUnavailableException;
import dev.notifier.sender.throttle.MutableClock;
import dev.notifier.testkit.registry.SchemaRegistryServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.AvroSerde;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A record that asks for a sender of its own is found, however it asks; a send record in the schema
 * registry's wire format ({@code outputs: registry}) is read with the registry's writer schema, which the
 * check looks at too; a registry that does not answer is not taken for an unreadable record.
 */
class NotificationDecoderTest {

  private final Notification n = WorkerHarness.notification("d-1", "dana@example.com", "default");
  private final SchemaRegistryServer registry = SchemaRegistryServer.start();
  private final RegistryClient client = new RegistryClient(RegistrySettings.of(registry.url()), name -> null);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T00:00:00Z"));

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  /** The decoder of a worker whose config names the registry (as {@code notifier worker} wires it). */
  private NotificationDecoder registryDecoder() {
    return NotificationDecoder.of(null, RegistryOutputs.reading(Topics.standard(), client), clock);
  }

  private static byte[] wire(int id, byte[] singleObject) {
    // the same Avro body behind the registry's header instead of single-object's 10 bytes
    return ByteBuffer.allocate(5 + singleObject.length - 10).put((byte) 0).putInt(id)
        .put(singleObject, 10, singleObject.length - 10).array();
  }

  @Test
  void aSendRecordInTheWireFormatIsReadWithTheRegistrysSchemaAndAsksForNothing() throws Exception {
    registry.register("notifier.status-value", PortableSchema.json(DeliveryStatus.getClassSchema()));
    registry.register("notifier.send.dlt-value", PortableSchema.json(DeadLetter.getClassSchema()));
    int id = registry.register("notifier.send-value", PortableSchema.json(Notification.getClassSchema()));
    Topics writing = RegistryOutputs.writing(Topics.standard(), client,
        RegistrySettings.of(registry.url()).withOutputs(OutputFormat.REGISTRY, false));
    ConsumerRecord<String, byte[]> record = record(writing.send().valueSerde().serializer()
        .serialize("notifier.send", n));

    assertThat(record.value()[0]).as("magic byte 0").isZero();
    assertThat(ByteBuffer.wrap(record.value(), 1, 4).getInt()).isEqualTo(id);
    NotificationDecoder decoder = registryDecoder();
    assertThat(decoder.decode(record.value())).isEqualTo(n);
    assertThat(decoder.forgedSender(record)).isEmpty();
    assertThat(decoder.decode(new AvroSerde<>(Notification.class, Notification.getClassSchema()).encode(n)))
        .as("single-object still read").isEqualTo(n);
  }

  @Test
  void aFromFieldInTheRegistryWriterSchemaIsFoundThoughAvroWouldDropTheField() throws Exception {
    Schema forged = RecipientPolicyIntegrationTest.withFromField(Notification.getClassSchema());
    int id = registry.register("notifier.send-value", forged.toString());
    ConsumerRecord<String, byte[]> record = record(wire(id, RecipientPolicyIntegrationTest.encodeWithFrom(n, forged)));
    NotificationDecoder decoder = registryDecoder();

    assertThat(decoder.decode(record.value()).getRecipient().getEmail()).isEqualTo("dana@example.com");
    assertThat(decoder.forgedSender(record)).hasValue("field 'from' of its schema");
  }

  @Test
  void aRegistryThatDoesNotAnswerIsUnavailableNotUnreadableAndIsNotAskedAgainAtOnce() throws Exception {
    int id = registry.register("notifier.send-value", PortableSchema.json(Notification.getClassSchema()));
    byte[] value = wire(id, new AvroSerde<>(Notification.class, Notification.getClassSchema()).encode(n));
    NotificationDecoder decoder = registryDecoder();
    registry.down();

    assertThatThrownBy(() -> decoder.decode(value)).isInstanceOf(RegistryUnavailableException.class);
    int asked = registry.requests();
    assertThatThrownBy(() -> decoder.decode(value)).isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("schema id " + id).hasMessageContaining("did not answer lately");
    assertThat(registry.requests()).as("not asked again within the quiet time").isEqualTo(asked);

    registry.up();
    clock.advance(NotificationDecoder.REGISTRY_QUIET);
    assertThat(decoder.decode(value)).isEqualTo(n);
    registry.down();
    assertThat(decoder.decode(value)).as("an id read before needs no registry").isEqualTo(n);
  }

  @Test
  void anUnknownSchemaIdOrAnotherRecordTypesSchemaIsUnreadableNotUnavailable() {
    int statusId = registry.register("notifier.status-value", PortableSchema.json(DeliveryStatus.getClassSchema()));
    byte[] body = new AvroSerde<>(Notification.class, Notification.getClassSchema()).encode(n);
    NotificationDecoder decoder = registryDecoder();

    assertThatThrownBy(() -> decoder.decode(wire(4242, body)))
        .satisfies(e -> assertThat(RegistryUnavailableException.isCauseOf(e)).isFalse())
        .hasMessageContaining("4242");
    assertThatThrownBy(() -> decoder.decode(wire(statusId, body))).isInstanceOf(IOException.class)
        .hasMessageContaining("not a Notification");
  }

  @Test
  void aWorkerWithoutARegistrySaysWhichSectionReadsTheWireFormat() throws Exception {
    byte[] value = wire(7, new AvroSerde<>(Notification.class, Notification.getClassSchema()).encode(n));

    assertThatThrownBy(() -> new NotificationDecoder(null).decode(value)).isInstanceOf(IOException.class)
        .hasMessageContaining("wire format").hasMessageContaining("schema id 7")
        .hasMessageContaining("streams.schemaRegistry");
    assertThat(NotificationDecoder.of(null, Topics.standard(), clock).decode(
        new AvroSerde<>(Notification.class, Notification.getClassSchema()).encode(n))).isEqualTo(n);
  }

  private static ConsumerRecord<String, byte[]> record(byte[] value) {
    return new ConsumerRecord<>("t.notifier.send", 0, 0L, "key", value);
  }

  @Test
  void aRecordWrittenByTheTopologyAsksForNothing() throws Exception {
    NotificationDecoder decoder = new NotificationDecoder(null);
    ConsumerRecord<String, byte[]> honest = record(new AvroSerde<>(Notification.class,
        Notification.getClassSchema()).encode(n));

    assertThat(decoder.decode(honest.value())).isEqualTo(n);
    assertThat(decoder.forgedSender(honest)).isEmpty();
  }

  @Test
  void aWriterSchemaWithAFromFieldIsFoundThoughAvroWouldDropTheField() throws Exception {
    Schema forged = RecipientPolicyIntegrationTest.withFromField(Notification.getClassSchema());
    SchemaStore.Cache store = new SchemaStore.Cache();
    store.addSchema(forged);
    NotificationDecoder decoder = new NotificationDecoder(store);
    ConsumerRecord<String, byte[]> record = record(RecipientPolicyIntegrationTest.encodeWithFrom(n, forged));

    assertThat(decoder.decode(record.value()).getRecipient().getEmail()).isEqualTo("dana@example.com");
    assertThat(decoder.forgedSender(record)).hasValue("field 'from' of its schema");
  }

  @Test
  void aKafkaHeaderAskingForASenderIsFound() throws Exception {
    NotificationDecoder decoder = new NotificationDecoder(null);
    ConsumerRecord<String, byte[]> record = record(new AvroSerde<>(Notification.class,
        Notification.getClassSchema()).encode(n));
    record.headers().add("Reply_To", "ceo@bank.example".getBytes(StandardCharsets.UTF_8));

    assertThat(decoder.forgedSender(record)).hasValue("Kafka header 'Reply_To'");
  }
}
