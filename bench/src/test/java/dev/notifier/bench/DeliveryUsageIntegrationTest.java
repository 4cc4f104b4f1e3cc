package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.QuotaUsage;
import dev.notifier.avro.UsageKind;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The delivery scenario's quota runs each start on an empty usage topic: a worker starting reads the last day of it
 * before its first quota send, and without the clearing each repetition read every run's records before it.
 */
class DeliveryUsageIntegrationTest {

  @Test
  void aQuotaRunStartsWithNothingLeftInTheUsageTopicToRead() throws Exception {
    try (EmbeddedKafka embedded = EmbeddedKafka.builder().partitions(3).start()) {
      BenchKafka kafka = new BenchKafka(embedded, 3);
      Topics topics = Topics.withPrefix("clear.");
      kafka.createTopics(topics);
      Topic<String, QuotaUsage> usage = topics.usage();
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, embedded.bootstrapServers());
      try (KafkaProducer<String, QuotaUsage> producer = new KafkaProducer<>(props, new StringSerializer(),
          usage.valueSerde().serializer())) {
        for (int i = 0; i < 30; i++) {
          producer.send(new ProducerRecord<>(usage.name(), i % 3, "account", QuotaUsage.newBuilder()
              .setAccount("account").setNotificationId("n" + i).setPartition(i % 3).setWorkerId("w")
              .setKind(UsageKind.ACCEPTED).setAcceptedAt(Instant.now()).build())).get();
        }
      }
      assertThat(waiting(kafka, usage.name())).as("records a starting worker would read").isEqualTo(30);

      DeliveryScenario.clearUsage(kafka, topics);

      assertThat(waiting(kafka, usage.name())).isZero();
    }
  }

  /** Records between the log start and the end, over every partition. */
  private static long waiting(BenchKafka kafka, String topic) throws Exception {
    return kafka.endOffsets(topic) - kafka.startOffsets(topic);
  }
}
