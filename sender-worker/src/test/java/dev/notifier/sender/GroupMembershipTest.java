package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The group settings a worker's consumers get, and that Kafka's consumer accepts them under either protocol. */
class GroupMembershipTest {

  @Test
  void theClassicProtocolGetsAShortSessionFrequentHeartbeatsAndCooperativeSticky() {
    Properties props = configured(Map.of());

    assertThat(props).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000")
        .containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    assertAcceptedByKafka(props);
  }

  @Test
  void theConfigsTimeOutsWin() {
    Properties props = configured(Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "20000", ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000"));

    assertThat(props).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "20000")
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
  }

  @Test
  void underTheConsumerProtocolTheBrokerDecidesTheTimeOutsAndTheAssignment() {
    Properties props = configured(Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "Consumer"));

    assertThat(props).doesNotContainKeys(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
    assertAcceptedByKafka(props);
  }

  @Test
  void theDefaultsFitEachOther() {
    assertThat(GroupMembership.HEARTBEAT_INTERVAL.multipliedBy(3)).isLessThanOrEqualTo(GroupMembership.SESSION_TIMEOUT);
    assertThat(GroupMembership.SESSION_TIMEOUT).as("a broker's default group.min.session.timeout.ms")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(6));
  }

  private static Properties configured(Map<String, String> configured) {
    Properties props = new Properties();
    props.putAll(configured);
    GroupMembership.configure(props);
    return props;
  }

  /** Kafka's consumer checks its configuration when it is built; no broker is needed for that. */
  private static void assertAcceptedByKafka(Properties props) {
    Properties all = new Properties();
    all.putAll(props);
    all.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    all.put(ConsumerConfig.GROUP_ID_CONFIG, "senders");
    assertThatCode(() -> new KafkaConsumer<>(all, new StringDeserializer(), new ByteArrayDeserializer())
        .close(CloseOptions.timeout(Duration.ZERO))).doesNotThrowAnyException();
  }
}
