package dev.notifier.bench;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Diagnostic (not part of the report): the worker's share of the end-to-end latency alone. Notifications go to the
 * send topic in transactions committed every {@code commit} ms (as the topology's), at a fixed rate; a read_committed
 * watcher stamps when each becomes visible, the SMTP server when it arrives. Prints both from the intended time.
 * Usage: WorkerLatencyProbe rate seconds commitMs
 */
public final class WorkerLatencyProbe {

  private WorkerLatencyProbe() {
  }

  public static void main(String[] args) throws Exception {
    int rate = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int commitMs = Integer.parseInt(args[2]);
    try (EmbeddedKafka broker = EmbeddedKafka.builder().partitions(4).start();
        ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().build().start()) {
      BenchKafka kafka = new BenchKafka(broker, 4);
      Topics topics = Topics.withPrefix("probe.");
      kafka.createTopics(topics);
      Map<String, Long> visible = new ConcurrentHashMap<>();
      AtomicBoolean watching = new AtomicBoolean(true);
      Thread watcher = new Thread(() -> watch(kafka, topics, visible, watching), "watch");
      watcher.start();
      KafkaSettings settings = new KafkaSettings(kafka.bootstrap(), "probe.", Map.of());
      try (AutoCloseable worker = PipelineProcess.runWorker(settings, "probe-senders", "127.0.0.1", smtp.port(), 8)) {
        produce(kafka, topics, rate, 2, commitMs, "warm");
        Thread.sleep(2000);
        smtp.clear();
        visible.clear();
        produce(kafka, topics, rate, seconds, commitMs, "run");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (smtp.messages().size() < rate * seconds && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
      }
      watching.set(false);
      watcher.join();
      List<Long> toVisible = new ArrayList<>();
      List<Long> toSmtp = new ArrayList<>();
      List<Long> visibleToSmtp = new ArrayList<>();
      for (ReceivedMessage m : smtp.messages()) {
        Matcher intended = LatencyScenario.INTENDED.matcher(m.subject().orElse(""));
        if (!intended.find()) {
          continue;
        }
        long at = Long.parseLong(intended.group(1));
        long arrived = micros(m.receivedAt());
        toSmtp.add(arrived - at);
        Long seen = visible.get(intended.group(1));
        if (seen != null) {
          toVisible.add(seen - at);
          visibleToSmtp.add(arrived - seen);
        }
      }
      System.out.printf("rate %d/s, %d s, commit %d ms: %d mails%n", rate, seconds, commitMs, toSmtp.size());
      print("intended -> visible", toVisible);
      print("intended -> SMTP   ", toSmtp);
      print("visible  -> SMTP   ", visibleToSmtp);
    }
  }

  private static void print(String name, List<Long> micros) {
    long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      System.out.println(name + ": none");
      return;
    }
    System.out.printf("%s p50 %.1f  p95 %.1f  p99 %.1f  max %.1f ms%n", name, at(sorted, 0.5), at(sorted, 0.95),
        at(sorted, 0.99), sorted[sorted.length - 1] / 1000.0);
  }

  private static double at(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1000.0;
  }

  private static void produce(BenchKafka kafka, Topics topics, int rate, int seconds, int commitMs, String run)
      throws Exception {
    Properties props = kafka.producerProps();
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "probe-" + UUID.randomUUID());
    try (KafkaProducer<String, Notification> producer = new KafkaProducer<>(props, new StringSerializer(),
        topics.send().valueSerde().serializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      long start = System.nanoTime();
      long lastCommit = start;
      long startMicros = micros(java.time.Instant.now());
      int total = rate * seconds;
      for (int i = 0; i < total; i++) {
        long due = start + (long) (i * 1e9 / rate);
        long now;
        while ((now = System.nanoTime()) < due) {
          if (now - lastCommit >= commitMs * 1_000_000L) {
            producer.commitTransaction();
            producer.beginTransaction();
            lastCommit = System.nanoTime();
          } else {
            Thread.onSpinWait();
            if (due - now > 200_000) {
              Thread.sleep(0, 100_000);
            }
          }
        }
        long intended = startMicros + (due - start) / 1000;
        Notification n = Notification.newBuilder(MailContent.notification(run, i, DeliveryScenario.ACCOUNT))
            .setSubject("probe int:" + intended).build();
        producer.send(new ProducerRecord<>(topics.send().name(), n.getNotificationId(), n));
        if (System.nanoTime() - lastCommit >= commitMs * 1_000_000L) {
          producer.commitTransaction();
          producer.beginTransaction();
          lastCommit = System.nanoTime();
        }
      }
      producer.commitTransaction();
    }
  }

  private static void watch(BenchKafka kafka, Topics topics, Map<String, Long> visible, AtomicBoolean watching) {
    Properties props = kafka.consumerProps("probe-watch-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topics.send().name()));
      while (watching.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long now = micros(java.time.Instant.now());
          String text = new String(r.value(), java.nio.charset.StandardCharsets.ISO_8859_1);
          Matcher m = LatencyScenario.INTENDED.matcher(text);
          if (m.find()) {
            visible.putIfAbsent(m.group(1), now);
          }
        }
      }
    }
  }

  private static long micros(java.time.Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }
}
