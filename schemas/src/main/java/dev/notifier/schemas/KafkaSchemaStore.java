package dev.notifier.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.notifier.schemas.config.KafkaSettings;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParseException;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writer schemas by fingerprint, kept in the compacted schema topic ({@link Topics#schemas()}): key
 * the CRC-64-AVRO fingerprint in 16 hex digits, value the schema's JSON. This is what lets an
 * older worker read a notification written by a newer streams app during a rolling upgrade: every
 * process that writes Avro records publishes its schemas here at start-up ({@link #publish}),
 * before its first record, so a reader that meets an unknown fingerprint finds the writer's schema
 * by reading the topic to its end, and Avro resolves it against the reader's own.
 *
 * <p>An entry whose key is not the fingerprint of its value is ignored, so nobody can make a reader
 * decode with a schema that does not match the bytes' fingerprint. A fingerprint still unknown
 * after reading to the end gives {@code null} (the record is then undecodable); a topic that cannot
 * be read within the time-out throws {@link Unavailable}, which is not the record's fault.
 *
 * <p>Thread-safe; the consumer is created on the first unknown fingerprint and kept, so a later
 * lookup reads only what is new.
 */
public final class KafkaSchemaStore implements SchemaStore, AutoCloseable {

  /** The schema topic could not be read: nothing is known about the record, try it again later. */
  public static final class Unavailable extends KafkaException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Properties clientProperties;
  private final String topic;
  private final Duration timeout;
  private final Map<Long, Schema> known = new ConcurrentHashMap<>();
  private Consumer<String, String> consumer;

  /** How long a reader waits for the schema topic when it meets a fingerprint it does not know. */
  public static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  /** The schema topic of the cluster {@code kafka} names, read with {@link #LOOKUP_TIMEOUT}. */
  public static KafkaSchemaStore of(KafkaSettings kafka) {
    return new KafkaSchemaStore(kafka.clientProperties(), kafka.topics().schemas().name(), LOOKUP_TIMEOUT);
  }

  public KafkaSchemaStore(Properties clientProperties, String topic, Duration timeout) {
    this.clientProperties = clientProperties;
    this.topic = topic;
    this.timeout = timeout;
  }

  /** The key a schema is published under: its CRC-64-AVRO fingerprint, 16 lower-case hex digits. */
  public static String key(Schema schema) {
    return key(SchemaNormalization.parsingFingerprint64(schema));
  }

  static String key(long fingerprint) {
    return Fingerprints.hex(fingerprint);
  }

  /** Publishes {@code schemas} to the schema topic with a producer of its own, and waits for the acknowledgement. */
  public static void publish(Properties clientProperties, String topic, Collection<Schema> schemas,
      Duration timeout) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    // every schema must be stored before a record written with it can be read elsewhere
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "notifier-schema-publisher");
    try (Producer<String, Object> producer = new KafkaProducer<>(props, new StringSerializer(),
        (t, value) -> value.toString().getBytes(StandardCharsets.UTF_8))) {
      publish(producer, topic, schemas, timeout);
    }
  }

  /**
   * Publishes {@code schemas} through {@code producer} (whose value serializer writes a String as
   * UTF-8) and waits for the broker's acknowledgement of each.
   */
  public static void publish(Producer<String, Object> producer, String topic, Collection<Schema> schemas,
      Duration timeout) {
    try {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (Schema schema : schemas) {
        sent.add(producer.send(new ProducerRecord<>(topic, key(schema), schema.toString())));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("cannot publish the Avro schemas to " + topic + " within " + timeout
          + ": check that the topic exists and this client may write it", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while publishing the Avro schemas to " + topic, e);
    }
  }

  @Override
  public Schema findByFingerprint(long fingerprint) {
    Schema schema = known.get(fingerprint);
    if (schema != null) {
      return schema;
    }
    synchronized (this) {
      readToEnd();
    }
    return known.get(fingerprint);
  }

  private void readToEnd() {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (consumer == null) {
        consumer = newConsumer();
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
      while (!reached(end)) {
        if (System.nanoTime() > deadline) {
          throw new Unavailable("the schema topic " + topic + " could not be read to its end within " + timeout, null);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
          remember(record.key(), record.value());
        }
      }
    } catch (Unavailable e) {
      throw e;
    } catch (KafkaException e) {
      throw new Unavailable("the schema topic " + topic + " could not be read: " + e.getMessage(), e);
    }
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), timeout) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void remember(String key, String value) {
    if (key == null || value == null) {
      return;
    }
    try {
      Schema schema = new Schema.Parser().parse(value);
      long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
      if (key(fingerprint).equals(key)) {
        known.put(fingerprint, schema);
      }
    } catch (SchemaParseException | IllegalArgumentException e) {
      // not a schema: ignored, like an entry whose key is not its fingerprint
    }
  }

  private Consumer<String, String> newConsumer() {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    // read by assignment, from the beginning, never committing: every reader needs the whole topic
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a missing schema topic is an error to report, never a topic to create with the broker's defaults
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "notifier-schema-store");
    KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    List<TopicPartition> partitions = c.partitionsFor(topic, timeout).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    c.assign(partitions);
    c.seekToBeginning(partitions);
    return c;
  }

  @Override
  public synchronized void close() {
    if (consumer != null) {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
      consumer = null;
    }
  }

  /** The schemas this release writes, to {@link #publish} at start-up. */
  public static List<Schema> written() {
    return List.of(dev.notifier.avro.Notification.getClassSchema(), dev.notifier.avro.DeliveryStatus.getClassSchema(),
        dev.notifier.avro.DeadLetter.getClassSchema(), dev.notifier.avro.QuotaUsage.getClassSchema(),
        dev.notifier.avro.Feedback.getClassSchema(), dev.notifier.avro.Suppression.getClassSchema());
  }
}
