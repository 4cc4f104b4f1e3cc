package dev.notifier.cli.feedback;

import dev.notifier.avro.Feedback;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes feedback records to {@code notifier.feedback}, keyed by address, and returns only once the
 * broker has acknowledged every one: the caller marks their sources done only then.
 */
final class FeedbackWriter implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final Serializer<Feedback> values;

  FeedbackWriter(Properties clientProperties, Topics topics, String command) {
    TopicCheck.requireReady(clientProperties, topics, List.of(topics.feedback(), topics.schemas()), command);
    KafkaSchemaStore.publish(clientProperties, topics.schemas().name(), KafkaSchemaStore.written(),
        Duration.ofSeconds(30));
    Properties props = new Properties();
    props.putAll(clientProperties);
    // a record acknowledged by every in-sync replica before its message is flagged done in the mailbox
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "notifier-bounces");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.topic = topics.feedback().name();
    this.values = topics.feedback().valueSerde().serializer();
  }

  void write(List<Feedback> feedback) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (Feedback f : feedback) {
      sent.add(producer.send(new ProducerRecord<>(topic, f.getAddress(), values.serialize(topic, f))));
    }
    producer.flush();
    for (Future<RecordMetadata> s : sent) {
      try {
        s.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("writing feedback to " + topic + " failed: " + e.getCause().getMessage()
            + "; the mailbox's messages stay unread and are read again", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while writing feedback; the messages stay unread", e);
      }
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
