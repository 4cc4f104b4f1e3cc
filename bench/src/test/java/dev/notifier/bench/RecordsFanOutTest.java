package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import java.nio.file.Path;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Baseline (d) writes, per event, the notifier's three notifications and three statuses, each keyed by its own id. */
class RecordsFanOutTest {

  @TempDir
  Path state;

  @Test
  void eachEventBecomesThreeNotificationsAndThreeQueuedStatusesOfTheSampleSize() {
    Notification sample = SameShapeAppTest.SAMPLE;
    var topics = SameShapeAppTest.TOPICS;
    try (TopologyTestDriver driver = new TopologyTestDriver(
        RecordsFanOut.build("events", "out.send", "out.status", sample), SameShapeAppTest.props(state))) {
      var events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
      events.pipeInput("ev-1", BenchKafka.event("test", 1, "x"));
      events.pipeInput("ev-2", BenchKafka.event("test", 2, "x"));
      var mail = driver.createOutputTopic("out.send", new StringDeserializer(),
          topics.send().valueSerde().deserializer()).readRecordsToList();
      var statuses = driver.createOutputTopic("out.status", new StringDeserializer(),
          topics.status().valueSerde().deserializer()).readRecordsToList();
      assertThat(mail).hasSize(6).extracting(TestRecord::value).containsOnly(sample);
      assertThat(mail).extracting(TestRecord::key).doesNotHaveDuplicates();
      assertThat(statuses).hasSize(6).extracting(r -> r.value().getState()).containsOnly(DeliveryState.QUEUED);
      // each status keyed as its notification, as the notifier keys them
      assertThat(statuses).extracting(TestRecord::key)
          .containsExactlyInAnyOrderElementsOf(mail.stream().map(TestRecord::key).toList());
    }
  }
}
