package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.PortableSchema;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryOutputs;
import dev.notifier.schemas.registry.RegistrySettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.throttle.MutableClock;
import dev.notifier.testkit.registry.SchemaRegistryServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The send consumer of a worker whose config names a schema registry, over send records in the
 * registry's wire format ({@code outputs: registry}): while the registry does not answer, a record is
 * held at the head of its partition — never a dead letter — and read once it answers; a schema id the
 * registry does not have makes the record a dead letter, and the records after it go on. (Kafka's
 * MockConsumer and the mock-producer writers; the registry is testkit's HTTP one.)
 */
class RegistrySendRecordsTest {

  private static final Instant START = Instant.parse("2026-12-04T00:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final MockOutcomes outcomes = new MockOutcomes(clock, "default");
  private final OffsetTracker tracker = new OffsetTracker();
  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final TopicPartition partition = new TopicPartition(outcomes.topics.send().name(), 0);
  private final SchemaRegistryServer registry = SchemaRegistryServer.start();
  private int id;
  private AccountLane lane;
  private PartitionSource source;

  @BeforeEach
  void sendSource() {
    id = registry.register("notifier.send-value", PortableSchema.json(Notification.getClassSchema()));
    RegistryClient client = new RegistryClient(RegistrySettings.of(registry.url()), name -> null);
    NotificationDecoder decoder = NotificationDecoder.of(null, RegistryOutputs.reading(Topics.standard(), client),
        clock);
    lane = outcomes.stoppedLane("default", Limits.DEFAULT, clock, tracker);
    Dispatcher dispatcher = new Dispatcher(Map.of("default", lane), tracker, outcomes.retries, outcomes.deadLetters,
        outcomes.statuses, clock, Duration.ofSeconds(30));
    source = new PartitionSource("send", consumer, decoder, List.of(partition.topic()), TopicPartition::partition,
        tracker, dispatcher, clock, wait -> clock.advance(wait), Duration.ofSeconds(1), (owned, lost) -> { });
    source.subscribe();
    consumer.rebalance(List.of(partition));
    consumer.updateBeginningOffsets(Map.of(partition, 0L));
  }

  @AfterEach
  void close() {
    lane.close();
    registry.close();
  }

  @Test
  void whileTheRegistryDoesNotAnswerTheRecordWaitsAtItsOffsetAndIsSentWhenItAnswers() {
    consumer.addRecord(record(0, id, "wire@example.com"));
    registry.down();

    source.pollOnce(Duration.ZERO);

    assertThat(outcomes.deadLettersWritten()).as("not a dead letter").isEmpty();
    assertThat(outcomes.statusesWritten()).isEmpty();
    assertThat(consumer.paused()).containsExactly(partition);
    assertThat(consumer.position(partition)).as("held at the record").isZero();
    assertThat(lane.backlog()).isZero();

    registry.up();
    clock.advance(PartitionSource.SCHEMA_RETRY);
    // fetched again from the offset it was held at (MockConsumer forgets what it returned, so it is added again)
    consumer.addRecord(record(0, id, "wire@example.com"));
    source.pollOnce(Duration.ZERO);

    assertThat(outcomes.deadLettersWritten()).isEmpty();
    assertThat(lane.backlog()).as("read and dispatched once the registry answered").isEqualTo(1);
  }

  @Test
  void aSchemaIdTheRegistryDoesNotHaveMakesADeadLetterAndTheRecordsAfterItGoOn() {
    consumer.addRecord(record(0, 4242, "unknown@example.com"));
    consumer.addRecord(record(1, id, "good@example.com"));

    source.pollOnce(Duration.ZERO);

    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo("UNDECODABLE");
      assertThat(letter.getRawValue().get(0)).as("the wire-format bytes, kept as they came").isZero();
    });
    assertThat(outcomes.statusesWritten()).singleElement()
        .satisfies(s -> assertThat(s.getState()).isEqualTo(DeliveryState.DEAD));
    assertThat(lane.backlog()).as("the next record was dispatched").isEqualTo(1);
  }

  /** A notification in the wire format under schema {@code schemaId}: the Avro body behind byte 0 and the id. */
  private ConsumerRecord<String, byte[]> record(long offset, int schemaId, String email) {
    Notification n = WorkerHarness.notification("e" + offset, email, "default");
    byte[] single = new AvroSerde<>(Notification.class, Notification.getClassSchema()).encode(n);
    byte[] wire = ByteBuffer.allocate(5 + single.length - 10).put((byte) 0).putInt(schemaId)
        .put(single, 10, single.length - 10).array();
    return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, n.getNotificationId(), wire);
  }
}
