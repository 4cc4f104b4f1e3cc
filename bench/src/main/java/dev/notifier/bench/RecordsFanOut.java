package dev.notifier.bench;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.DeliveryStatuses;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Baseline (d) of the topology scenario: what writing the notifier's output costs with none of its work. Each event
 * becomes the three notifications and three QUEUED statuses the notifier would write for its group, as bytes
 * serialized once before the run (a notification the notifier rendered, so the records are as large), each keyed
 * by a notification id, to a send and a status topic. Nothing is parsed, looked up, stored, repartitioned or
 * rendered: the floor of any app that writes the notifier's records.
 */
final class RecordsFanOut {

  /** The topics' serdes (their names do not matter to them). */
  private static final Topics SERDES = Topics.withPrefix("bench.records-fan-out.");

  private RecordsFanOut() {
  }

  /** The app reading {@code input}, writing {@code sample} and its QUEUED status, serialized, to {@code send} and {@code status}. */
  static Topology build(String input, String send, String status, Notification sample) {
    byte[] mail = mail(sample);
    byte[] queued = queued(sample);
    StreamsBuilder builder = new StreamsBuilder();
    // each notification id computed once, as the notifier does: its status takes the notification's key
    var mails = builder.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .flatMap((k, v) -> copies(k, mail));
    mails.to(send, Produced.with(Serdes.String(), Serdes.ByteArray()));
    mails.mapValues(v -> queued).to(status, Produced.with(Serdes.String(), Serdes.ByteArray()));
    return builder.build();
  }

  /** {@code sample} as the send topic's serde writes it. */
  static byte[] mail(Notification sample) {
    return SERDES.send().valueSerde().serializer().serialize(SERDES.send().name(), sample);
  }

  /** {@code sample}'s QUEUED status as the status topic's serde writes it. */
  static byte[] queued(Notification sample) {
    return SERDES.status().valueSerde().serializer().serialize(SERDES.status().name(),
        DeliveryStatuses.of(sample, DeliveryState.QUEUED, null, null, 0, sample.getCreatedAt()));
  }

  /** Three records of {@code value}, keyed as the notifier keys its notifications (an id per recipient). */
  private static List<KeyValue<String, byte[]>> copies(String key, byte[] value) {
    List<KeyValue<String, byte[]>> out = new ArrayList<>(BenchKafka.GROUP_SIZE);
    for (int i = 0; i < BenchKafka.GROUP_SIZE; i++) {
      out.add(KeyValue.pair(NotificationIds.forAddress(key, "member" + i + "@example.com", "bug"), value));
    }
    return out;
  }
}
