package dev.notifier.sender.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.ReplayHeaders;
import dev.notifier.sender.MockOutcomes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** When the notifier was asked to send a delivery: the time its delivery delay counts from. */
class DeliveryTest {

  private final Notification n = MockOutcomes.notification("e1", "alice@example.com", "default");

  @Test
  void freshMailCountsFromItsReleaseByTheTopology() {
    assertThat(delivery(new RecordHeaders()).requestedAt()).isEqualTo(n.getCreatedAt());
  }

  @Test
  void aReplayedDeadLetterCountsFromItsReplay() {
    Instant replayed = n.getCreatedAt().plusSeconds(3 * 86_400);
    assertThat(delivery(replay(replayed.toString())).requestedAt()).isEqualTo(replayed);
  }

  @Test
  void aReplayTimeThatIsNotAnInstantIsIgnored() {
    assertThat(delivery(replay("yesterday")).requestedAt()).isEqualTo(n.getCreatedAt());
  }

  private static RecordHeaders replay(String at) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(ReplayHeaders.AT, at.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private Delivery delivery(RecordHeaders headers) {
    return MockOutcomes.delivery(new ConsumerRecord<>("notifier.send", 0, 7L, 0L, TimestampType.CREATE_TIME, 0, 0,
        n.getNotificationId(), n, headers, Optional.empty()));
  }
}
