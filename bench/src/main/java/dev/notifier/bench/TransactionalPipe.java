package dev.notifier.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Baseline (b) of the topology scenario: a hand-written transactional consume → produce loop that
 * writes each event three times and commits its input offsets in the same transaction, every
 * {@code commitInterval} — what exactly-once costs with no framework at all.
 */
final class TransactionalPipe implements Runnable {

  private final String bootstrap;
  private final String id;
  private final String input;
  private final String output;
  private final Duration commitInterval;
  private volatile boolean running = true;

  TransactionalPipe(String bootstrap, String id, String input, String output, Duration commitInterval) {
    this.bootstrap = bootstrap;
    this.id = id;
    this.input = input;
    this.output = output;
    this.commitInterval = commitInterval;
  }

  void stop() {
    running = false;
  }

  @Override
  public void run() {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, id);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, id + "-consumer");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // offsets travel in the producer's transaction
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // the input is created before the run; a typo must not create an empty topic to wait on
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, id + "-producer");
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id + "-tx");
    // the same batching a Kafka Streams producer gets by default
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
        new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
            new ByteArraySerializer())) {
      producer.initTransactions();
      consumer.subscribe(List.of(input));
      while (running) {
        pipeOneTransaction(consumer, producer);
      }
    }
  }

  private void pipeOneTransaction(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    long until = System.nanoTime() + commitInterval.toNanos();
    boolean open = false;
    while (running && System.nanoTime() < until) {
      ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(20));
      if (records.isEmpty()) {
        continue;
      }
      if (!open) {
        producer.beginTransaction();
        open = true;
      }
      for (ConsumerRecord<String, byte[]> r : records) {
        for (int copy = 0; copy < 3; copy++) {
          producer.send(new ProducerRecord<>(output, r.key(), r.value()));
        }
        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
      }
    }
    if (open) {
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
    }
  }
}
