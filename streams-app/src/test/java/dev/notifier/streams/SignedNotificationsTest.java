package dev.notifier.streams;

import static dev.notifier.streams.TopologyFixture.eventJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.integrity.IntegrityKey;
import dev.notifier.schemas.integrity.IntegrityMode;
import dev.notifier.schemas.integrity.IntegritySettings;
import dev.notifier.schemas.integrity.Keyring;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * With {@code integrity.mode} sign or require, every notification the topology writes to the send topic carries a
 * signature by {@code signWith} over its key and value bytes, which a worker's ring verifies; the QUEUED status
 * beside it is not signed. Off, nothing is signed.
 */
class SignedNotificationsTest {

  static final String SECRET;

  static {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) 42);
    SECRET = Base64.getEncoder().encodeToString(bytes);
  }

  static Keyring ring(IntegrityMode mode) {
    return new IntegritySettings(mode, mode.signs() ? "k1" : null, List.of(new IntegrityKey("k1", "K1", null)))
        .keyring(Map.of("K1", SECRET)::get);
  }

  @Test
  void whatTheTopologyWritesToTheSendTopicIsSignedAndVerifies() {
    Keyring ring = ring(IntegrityMode.REQUIRE);
    try (TopologyFixture t = new TopologyFixture(TopologySettings.defaults(Topics.standard(), "default")
        .withIntegrity(ring))) {
      t.user("alice", "alice@example.com");
      t.user("bob", "bob@example.com");
      t.user("carol", "carol@example.com");
      t.event("e1", eventJson("e1", "bug.assigned", "carol", "alice", "bob"));

      List<TestRecord<String, byte[]>> written = t.driver.createOutputTopic(t.topics.send().name(),
          Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readRecordsToList();
      assertThat(written).hasSizeGreaterThanOrEqualTo(2).allSatisfy(r -> {
        assertThat(new String(r.headers().lastHeader(Keyring.HEADER).value(), StandardCharsets.US_ASCII))
            .startsWith("k1:");
        assertThat(ring.check(r.headers(), r.key().getBytes(StandardCharsets.UTF_8), r.value()).valid()).isTrue();
        Notification n = t.topics.send().valueSerde().deserializer().deserialize(t.topics.send().name(), r.value());
        assertThat(n.getNotificationId()).isEqualTo(r.key());
      });
      assertThat(t.status.readRecordsToList()).isNotEmpty()
          .allSatisfy(r -> assertThat(r.headers().lastHeader(Keyring.HEADER)).isNull());
    }
  }

  @Test
  void offWritesNoSignature() {
    try (TopologyFixture t = new TopologyFixture()) {
      t.user("alice", "alice@example.com");
      t.user("carol", "carol@example.com");
      t.event("e1", eventJson("e1", "bug.assigned", "carol", "alice"));
      List<TestRecord<String, Notification>> written = t.send.readRecordsToList();
      assertThat(written).isNotEmpty().allSatisfy(r -> assertThat(r.headers().lastHeader(Keyring.HEADER)).isNull());
    }
  }
}
