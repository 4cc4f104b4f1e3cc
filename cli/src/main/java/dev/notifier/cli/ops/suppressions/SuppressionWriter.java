package dev.notifier.cli.ops.suppressions;

import dev.notifier.avro.Suppression;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.AclCatalogue;
import dev.notifier.schemas.admin.TopicCheck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes one suppression change — the new value, or a tombstone that lifts it — and its audit record
 * in one transaction, so the audit says exactly what changed. The topology applies it to the next
 * event (its global table follows the topic).
 */
final class SuppressionWriter {

  private final Properties clientProperties;
  private final Topics topics;

  SuppressionWriter(Properties clientProperties, Topics topics) {
    this.clientProperties = clientProperties;
    this.topics = topics;
  }

  /** Writes {@code after} (null: lift the suppression) for {@code address}, with its audit record. */
  void write(String address, Suppression after, String auditRecord, String command) {
    TopicCheck.requireReady(clientProperties, topics, List.of(topics.suppressions(), topics.audit(), topics.schemas()),
        command);
    KafkaSchemaStore.publish(clientProperties, topics.schemas().name(), KafkaSchemaStore.written(),
        Duration.ofSeconds(30));
    byte[] value = after == null ? null : topics.suppressions().valueSerde().serializer()
        .serialize(topics.suppressions().name(), after);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      try {
        producer.send(new ProducerRecord<>(topics.suppressions().name(), address, value));
        producer.send(new ProducerRecord<>(topics.audit().name(), address,
            auditRecord.getBytes(StandardCharsets.UTF_8)));
        producer.commitTransaction();
      } catch (KafkaException e) {
        producer.abortTransaction();
        throw e;
      }
    } catch (KafkaException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException
          || e instanceof org.apache.kafka.common.errors.AuthorizationException) {
        throw e;
      }
      throw new OpsException(command + " wrote nothing: " + e.getMessage() + "; fix the cause and run it again", e);
    }
  }

  private Properties producerProperties() {
    Properties props = new Properties();
    props.putAll(clientProperties);
    // the change and its audit record are written together or not at all
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
        AclCatalogue.SUPPRESSIONS_TRANSACTIONAL_ID_PREFIX + UUID.randomUUID());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "notifier-suppressions");
    return props;
  }
}
