package dev.notifier.cli.feedback;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Suppression;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the feedback tests publish and wait for: events and the directory in, a notification's outcome in
 * the ledger, an address's suppression, the mail an SMTP server received.
 */
final class FeedbackTopicsWatch {

  private final KafkaSettings settings;
  private final Topics topics;

  FeedbackTopicsWatch(KafkaSettings settings, Topics topics) {
    this.settings = settings;
    this.topics = topics;
  }

  /** Publishes JSON lines of {@code kind}, as {@code notifier publish} does. */
  void publish(RecordKind kind, String... jsonLines) {
    try (Publisher publisher = new Publisher(settings.clientProperties(), topics)) {
      publisher.publish(new BufferedReader(new StringReader(String.join("\n", jsonLines))), kind, false);
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish " + kind + " " + String.join(" ", jsonLines), e);
    }
  }

  /** The notification ids of the messages {@code smtp} received for {@code address}. */
  static List<String> idsMailedTo(ScriptableSmtpServer smtp, String address) {
    return smtp.messages().stream().filter(m -> m.recipients().contains(address))
        .map(m -> m.header("X-Notifier-Notification-Id").orElse("?")).toList();
  }

  /** The first SENT or SKIPPED status of notification {@code id}, waiting at most {@code timeout}. */
  DeliveryStatus awaitOutcome(String id, Duration timeout) {
    Map<String, DeliveryStatus> latest = new HashMap<>();
    try (KafkaConsumer<String, DeliveryStatus> consumer = new KafkaConsumer<>(props(),
        Serdes.String().deserializer(), topics.status().valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.status().name()));
      return Await.forValue(timeout, "an outcome of " + id, () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
        return latest.get(id);
      }, s -> s != null && (s.getState() == DeliveryState.SENT || s.getState() == DeliveryState.SKIPPED));
    }
  }

  /** The suppression of {@code address}, waiting at most a minute for one. */
  Suppression awaitSuppression(String address) {
    Map<String, Suppression> latest = new HashMap<>();
    try (KafkaConsumer<String, Suppression> consumer = new KafkaConsumer<>(props(),
        Serdes.String().deserializer(), topics.suppressions().valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.suppressions().name()));
      Await.until(Duration.ofSeconds(60), "a suppression of " + address, () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
        return latest.get(address) != null;
      });
    }
    return latest.get(address);
  }

  /** A consumer of its own reading committed records from the beginning. */
  private Properties props() {
    Properties props = settings.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "feedback-it-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }
}
