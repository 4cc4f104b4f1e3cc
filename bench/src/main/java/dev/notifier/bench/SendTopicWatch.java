package dev.notifier.bench;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Encoding;
import dev.notifier.schemas.Fingerprints;
import dev.notifier.schemas.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where the end-to-end latency goes: a read_committed consumer of the send topic, as a worker reads
 * it, timing each latency notification from its event's intended send time to the moment the
 * topology's transaction made it visible there. What is left of the end-to-end figure is the
 * worker's fetch and the SMTP transaction. Reads from the end of the topic as it was when started.
 */
final class SendTopicWatch implements AutoCloseable {

  private static final Pattern INDEX = Pattern.compile("i:(\\d+) ");

  private final List<LatencyTail.Timed> timed = new ArrayList<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Subjects subjects;
  private final IntPredicate counted;
  private final Thread thread;
  private volatile boolean running = true;

  SendTopicWatch(BenchKafka kafka, Topics topics, IntPredicate counted) {
    Properties props = kafka.consumerProps("bench-watch-" + System.nanoTime());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.subjects = new Subjects(topics.send().valueSerde().deserializer());
    this.counted = counted;
    List<TopicPartition> partitions = consumer.partitionsFor(topics.send().name()).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    this.thread = new Thread(this::run, "bench-send-topic-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
        long now = micros(Instant.now());
        String subject = subjects.of(r.value());
        Matcher intended = LatencyScenario.INTENDED.matcher(subject);
        Matcher i = INDEX.matcher(subject);
        if (intended.find() && i.find() && counted.test(Integer.parseInt(i.group(1)))) {
          long sent = Long.parseLong(intended.group(1));
          synchronized (timed) {
            timed.add(new LatencyTail.Timed(sent, now - sent));
          }
        }
      }
    }
  }

  /** Each notification seen so far: its event's intended send time and its latency to visible in the send topic. */
  List<LatencyTail.Timed> timed() {
    synchronized (timed) {
      return List.copyOf(timed);
    }
  }

  /** The latencies seen so far, intended send time → visible in the send topic. */
  Histogram visible() {
    Histogram visible = Stats.latencyHistogram();
    for (LatencyTail.Timed t : timed()) {
      LatencyScenario.record(visible, t.latencyMicros());
    }
    return visible;
  }

  /**
   * A notification's subject, read without decoding the rest: the watch shares the machine it measures, and
   * decoding every rendered body (the whole record) cost it a few per cent of a core. A record of the current
   * schema in single-object encoding is read with a reader schema of the subject alone, so Avro skips the other
   * fields; any other (an older schema, the registry's format) is decoded whole.
   */
  static final class Subjects {
    /** Avro single-object encoding: two marker bytes, then the writer schema's 8-byte fingerprint. */
    private static final int HEADER = 10;
    private static final Schema WRITER = Notification.getClassSchema();
    private static final Schema SUBJECT_ONLY = SchemaBuilder.record(WRITER.getName()).namespace(WRITER.getNamespace())
        .fields().requiredString("subject").endRecord();
    private static final long FINGERPRINT = Fingerprints.of(WRITER);
    private final GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(WRITER, SUBJECT_ONLY);
    private final Deserializer<Notification> whole;
    private BinaryDecoder decoder;
    private GenericRecord reused;

    Subjects(Deserializer<Notification> whole) {
      this.whole = whole;
    }

    /** The subject of the record {@code value}; "" for a tombstone. */
    String of(byte[] value) {
      if (value == null) {
        return "";
      }
      if (Encoding.of(value) != Encoding.AVRO_SINGLE_OBJECT || value.length < HEADER
          || Fingerprints.writerOf(value) != FINGERPRINT) {
        Notification n = whole.deserialize("", value);
        return n == null ? "" : String.valueOf(n.getSubject());
      }
      try {
        decoder = DecoderFactory.get().binaryDecoder(value, HEADER, value.length - HEADER, decoder);
        reused = reader.read(reused, decoder);
        return reused.get("subject").toString();
      } catch (IOException e) {
        throw new IllegalStateException("a notification of the current schema could not be read", e);
      }
    }
  }

  private static long micros(Instant at) {
    return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5_000);
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
  }
}
