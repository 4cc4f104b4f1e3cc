package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.config.BackoffPolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * How the writer reports outcomes it could not write. A unit test over Kafka's own producer test
 * double: a synchronous failure of {@code send} cannot be provoked reliably on a real broker.
 */
class OutcomeWriterTest {

  private final Topics topics = Topics.standard();
  private final List<Exception> fatal = new ArrayList<>();

  @Test
  void anOutcomeRefusedBeforeItIsQueuedIsFatalAndNeverDone() {
    MockProducer<String, Object> producer = producer();
    producer.sendException = new TimeoutException("buffer full for 60000 ms");
    OutcomeWriter writer = writer(producer);
    AtomicBoolean done = new AtomicBoolean();

    writer.sent(delivery(), () -> done.set(true));

    assertThat(done).as("the offset may be committed only after the outcome is written").isFalse();
    assertThat(fatal).singleElement().isInstanceOf(TimeoutException.class);
  }

  @Test
  void anAcknowledgedOutcomeIsDone() {
    MockProducer<String, Object> producer = producer();
    OutcomeWriter writer = writer(producer);
    AtomicBoolean done = new AtomicBoolean();

    writer.sent(delivery(), () -> done.set(true));
    assertThat(done).isFalse();
    producer.completeNext();

    assertThat(done).isTrue();
    assertThat(fatal).isEmpty();
    assertThat(producer.history()).singleElement()
        .satisfies(r -> assertThat(r.topic()).isEqualTo(topics.status().name()));
  }

  private static MockProducer<String, Object> producer() {
    return new MockProducer<>(false, null, new StringSerializer(), (topic, value) -> new byte[] {1});
  }

  private OutcomeWriter writer(MockProducer<String, Object> producer) {
    return new OutcomeWriter(topics, producer, BackoffPolicy.builder().build(),
        Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC), "w1", () -> 0.5, fatal::add);
  }

  private Delivery delivery() {
    Notification n = WorkerHarness.notification("e1", "alice@example.com", "default");
    return Delivery.of(new ConsumerRecord<>(topics.send().name(), 0, 0L, n.getNotificationId(), n));
  }
}
