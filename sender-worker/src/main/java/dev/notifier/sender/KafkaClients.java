package dev.notifier.sender;

import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Makes a worker's Kafka clients from the properties it chose. Unit tests of the poll loop give the
 * worker Kafka's own {@code MockConsumer} and {@code MockProducer} instead; integration tests and
 * production use {@link #KAFKA}.
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
  };

  <V> Consumer<String, V> consumer(Properties properties, Deserializer<V> values);

  Producer<String, Object> producer(Properties properties, Serializer<Object> values);
}
