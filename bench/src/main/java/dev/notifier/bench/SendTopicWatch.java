package dev.notifier.bench;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
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
  private final KafkaConsumer<String, Notification> consumer;
  private final IntPredicate counted;
  private final Thread thread;
  private volatile boolean running = true;

  SendTopicWatch(BenchKafka kafka, Topics topics, IntPredicate counted) {
    Properties props = kafka.consumerProps("bench-watch-" + System.nanoTime());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        topics.send().valueSerde().deserializer());
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
      for (ConsumerRecord<String, Notification> r : consumer.poll(Duration.ofMillis(50))) {
        long now = micros(Instant.now());
        String subject = r.value() == null ? "" : String.valueOf(r.value().getSubject());
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

  private static long micros(Instant at) {
    return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5_000);
    consumer.close(Duration.ofSeconds(2));
  }
}
