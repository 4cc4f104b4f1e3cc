package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.AvroSerde;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A record that asks for a sender of its own is found, however it asks. */
class NotificationDecoderTest {

  private final Notification n = WorkerHarness.notification("d-1", "dana@example.com", "default");

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
  void aKafkaHeaderAskingForASenderIsFound() {
    NotificationDecoder decoder = new NotificationDecoder(null);
    ConsumerRecord<String, byte[]> record = record(new AvroSerde<>(Notification.class,
        Notification.getClassSchema()).encode(n));
    record.headers().add("Reply_To", "ceo@bank.example".getBytes(StandardCharsets.UTF_8));

    assertThat(decoder.forgedSender(record)).hasValue("Kafka header 'Reply_To'");
  }
}
