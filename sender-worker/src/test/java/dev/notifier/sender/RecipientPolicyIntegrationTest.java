package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Recipient;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.RecipientPolicy;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The worker is not an open relay (issue 17, point 2), through a real worker, broker and SMTP
 * server: records that something other than the topology wrote to the send topic — one asking for
 * another From, one to a foreign domain, one to a whole list — become POLICY dead letters, and only
 * the honest notification reaches the SMTP server, from the account's own address.
 */
class RecipientPolicyIntegrationTest extends WorkerIntegrationSupport {

  static final String FORGED_FROM = "ceo@bank.example";

  @Test
  void forgedFromForeignDomainAndTooManyRecipientsAreDeadLettersNeverSends() throws Exception {
    // Step 1: configure an account that may mail example.com only, one recipient per message
    h.smtp = ScriptableSmtpServer.builder().start();
    AccountSettings account = h.localAccount()
        .withRecipients(RecipientPolicy.of("default", List.of("example.com"), null));
    Notification honest = WorkerHarness.notification("p-ok", "dana@example.com", "default");
    Notification foreign = WorkerHarness.notification("p-foreign", "victim@elsewhere.example", "default");
    Notification many = WorkerHarness.notification("p-many", "dana@example.com", "default");
    many.setRecipient(Recipient.newBuilder(many.getRecipient())
        .setEmail("dana@example.com, erin@example.com, frank@example.com").build());
    Notification forged = WorkerHarness.notification("p-forged", "gil@example.com", "default");
    Schema forgedSchema = withFromField(Notification.getClassSchema());
    KafkaSchemaStore.publish(clientProperties(), h.topics.schemas().name(), List.of(forgedSchema),
        WorkerHarness.TIMEOUT);
    h.startWorker("worker-policy", account, name -> null);

    // Step 2: produce the three attacks, then the honest notification
    h.produce(List.of(foreign, many));
    produceRaw(forged.getNotificationId(), encodeWithFrom(forged, forgedSchema));
    h.produce(List.of(honest));

    // Step 3: verify: three POLICY dead letters, one mail, sent from the account's own address
    List<ConsumerRecord<String, DeadLetter>> dead = h.awaitRecords(h.topics.deadLetters(), 3);
    Map<String, DeadLetter> byId = dead.stream()
        .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
    assertThat(byId).containsOnlyKeys(foreign.getNotificationId(), many.getNotificationId(),
        forged.getNotificationId());
    assertThat(byId.values()).allSatisfy(d -> {
      assertThat(d.getFailureClass()).isEqualTo("POLICY");
      assertThat(d.getAttempts()).as("nothing was attempted").isZero();
    });
    assertThat(byId.get(foreign.getNotificationId()).getKind()).isEqualTo("recipient-domain-refused");
    assertThat(byId.get(foreign.getNotificationId()).getFix()).contains("'elsewhere.example'",
        "accounts[default].allowedRecipientDomains [example.com]");
    assertThat(byId.get(many.getNotificationId()).getKind()).isEqualTo("too-many-recipients");
    assertThat(byId.get(forged.getNotificationId()).getKind()).isEqualTo("sender-forged");
    assertThat(byId.get(forged.getNotificationId()).getFix()).contains("field 'from' of its schema");

    List<ReceivedMessage> received = h.smtp.awaitMessages(1, WorkerHarness.TIMEOUT);
    assertThat(received).singleElement().satisfies(m -> {
      assertThat(h.idOf(m)).isEqualTo(honest.getNotificationId());
      assertThat(m.mailFrom()).isEqualTo(WorkerHarness.FROM);
      assertThat(m.header("From")).hasValueSatisfying(from -> assertThat(from).doesNotContain(FORGED_FROM));
    });
    Map<String, DeliveryStatus> statuses = WorkerHarness.latestByKey(h.awaitRecords(h.topics.status(), 4));
    assertThat(statuses.get(honest.getNotificationId()).getState()).isEqualTo(DeliveryState.SENT);
    assertThat(statuses.get(foreign.getNotificationId()).getState()).isEqualTo(DeliveryState.DEAD);
    h.awaitAllCommitted(h.groupId);
    assertThat(h.smtp.messages()).as("the refused records never reached SMTP").hasSize(1);
  }

  /** The notification schema with a {@code from} field, as a forger who wants another sender would write it. */
  static Schema withFromField(Schema schema) {
    List<Schema.Field> fields = schema.getFields().stream()
        .map(f -> new Schema.Field(f, f.schema())).collect(Collectors.toList());
    fields.add(new Schema.Field("from", Schema.create(Schema.Type.STRING), null, ""));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  /** {@code n} written with {@code forgedSchema}, its {@code from} set to the forged sender. */
  static byte[] encodeWithFrom(Notification n, Schema forgedSchema) throws Exception {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    BinaryEncoder out = EncoderFactory.get().binaryEncoder(plain, null);
    new SpecificDatumWriter<Notification>(Notification.getClassSchema()).write(n, out);
    out.flush();
    GenericRecord record = new GenericDatumReader<GenericRecord>(Notification.getClassSchema(), forgedSchema)
        .read(null, DecoderFactory.get().binaryDecoder(plain.toByteArray(), null));
    record.put("from", FORGED_FROM);
    ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), forgedSchema).encode(record);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private Properties clientProperties() {
    return h.kafka.producerProps();
  }

  private void produceRaw(String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(h.kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(h.topics.send().name(), key, value))
          .get(WorkerHarness.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }
}
