package dev.notifier.sender.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.MockOutcomes;
import dev.notifier.sender.metrics.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The SENT outcome and how acknowledged writes report outcomes they could not write. A unit test
 * over Kafka's own producer test double: a synchronous failure of {@code send} cannot be provoked
 * reliably on a real broker.
 */
class StatusesTest {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private final Topics topics = Topics.standard();
  private final List<Exception> fatal = new ArrayList<>();
  private final MockProducer<String, Object> producer = producer();
  private final Statuses statuses = new Statuses(topics, new AcknowledgedWrites(producer, fatal::add),
      Clock.fixed(NOW, ZoneOffset.UTC), new WorkerMetrics(new SimpleMeterRegistry(), List.of("default")));

  @Test
  void anOutcomeRefusedBeforeItIsQueuedIsFatalAndNeverDone() {
    producer.sendException = new TimeoutException("buffer full for 60000 ms");
    AtomicBoolean done = new AtomicBoolean();

    statuses.sent(MockOutcomes.notification("e1", "alice@example.com", "default"), 1, 0, NOW, () -> done.set(true));

    assertThat(done).as("the offset may be committed only after the outcome is written").isFalse();
    assertThat(fatal).singleElement().isInstanceOf(TimeoutException.class);
  }

  @Test
  void anAcknowledgedOutcomeIsDone() {
    AtomicBoolean done = new AtomicBoolean();

    statuses.sent(MockOutcomes.notification("e1", "alice@example.com", "default"), 2, 0, NOW, () -> done.set(true));
    assertThat(done).isFalse();
    producer.completeNext();

    assertThat(done).isTrue();
    assertThat(fatal).isEmpty();
    assertThat(producer.history()).singleElement().satisfies(r -> {
      assertThat(r.topic()).isEqualTo(topics.status().name());
      DeliveryStatus status = (DeliveryStatus) r.value();
      assertThat(status.getState()).isEqualTo(DeliveryState.SENT);
      assertThat(status.getAttempts()).isEqualTo(2);
      assertThat(status.getAt()).isEqualTo(NOW);
      assertThat(new String(r.headers().lastHeader(Statuses.WORKER_HEADER).value(), StandardCharsets.UTF_8))
          .as("the worker that wrote it").isEqualTo("worker");
    });
  }

  @Test
  void everyStatusNamesTheWorkerThatWroteIt() {
    ProducerRecord<String, Object> dead = statuses.record(MockOutcomes.notification("e1", "alice@example.com",
        "default"), DeliveryState.DEAD, "mailbox-unknown", "550 5.1.1", 1);
    assertThat(new String(dead.headers().lastHeader(Statuses.WORKER_HEADER).value(), StandardCharsets.UTF_8))
        .isEqualTo("worker");
  }

  @Test
  void aFailedAcknowledgementIsFatalAndNeverDone() {
    AtomicBoolean done = new AtomicBoolean();

    statuses.sent(MockOutcomes.notification("e1", "alice@example.com", "default"), 1, 0, NOW, () -> done.set(true));
    producer.errorNext(new TimeoutException("no acknowledgement"));

    assertThat(done).isFalse();
    assertThat(fatal).singleElement().isInstanceOf(TimeoutException.class);
  }

  /** A producer whose sends wait for {@code completeNext}/{@code errorNext}; values are not really serialised. */
  static MockProducer<String, Object> producer() {
    return new MockProducer<>(false, null, new StringSerializer(), (topic, value) -> new byte[] {1});
  }
}
