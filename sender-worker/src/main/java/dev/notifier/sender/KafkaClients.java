package dev.notifier.sender;

import dev.notifier.schemas.Topic;
import dev.notifier.schemas.admin.Finding;
import dev.notifier.schemas.admin.TopicCheck;
import dev.notifier.schemas.config.KafkaSettings;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Makes a worker's Kafka clients from the properties it chose, once the topics they will use are
 * found ready. Unit tests of the poll loop give the worker Kafka's own {@code MockConsumer} and
 * {@code MockProducer} instead, and no topics to check; integration tests and production use
 * {@link #KAFKA}.
 */
interface KafkaClients {

  /** The real clients. */
  KafkaClients KAFKA = new KafkaClients() {
    @Override
    public <V> Consumer<String, V> consumer(Properties properties, Deserializer<V> values) {
      return new KafkaConsumer<>(properties, Serdes.String().deserializer(), values);
    }

    @Override
    public Producer<String, Object> producer(Properties properties, Serializer<Object> values) {
      return new KafkaProducer<>(properties, Serdes.String().serializer(), values);
    }

    @Override
    public List<Finding> requireTopics(KafkaSettings kafka, List<Topic<?, ?>> used) {
      return TopicCheck.requireReady(kafka.clientProperties(), kafka.topics(), used, "the sender worker");
    }
  };

  <V> Consumer<String, V> consumer(Properties properties, Deserializer<V> values);

  Producer<String, Object> producer(Properties properties, Serializer<Object> values);

  /**
   * Stops the worker, before any client is made, when a topic of {@code used} is missing or lacks a
   * config it needs ({@link TopicCheck}); returns the warnings.
   */
  List<Finding> requireTopics(KafkaSettings kafka, List<Topic<?, ?>> used);
}
