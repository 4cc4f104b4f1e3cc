package dev.notifier.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the broker image reads its settings: as the apache/kafka image does, over single-node defaults. */
class KafkaBrokerMainTest {

    @Test
    void variableNamesBecomeSettingNames() {
        assertThat(KafkaBrokerMain.settingName("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("advertised.listeners");
        assertThat(KafkaBrokerMain.settingName("KAFKA_LOG_DIRS")).isEqualTo("log.dirs");
        assertThat(KafkaBrokerMain.settingName("KAFKA_LISTENER_NAME_HOST__X___Y")).isEqualTo("listener.name.host_x-y");
    }

    @Test
    void environmentOverridesTheDefaultsAndJvmVariablesAreNoSettings() {
        Map<String, String> settings = KafkaBrokerMain.settings(Map.of(
                "KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:9092",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "CLUSTER_ID", "abc",
                "PATH", "/bin"));
        assertThat(settings).containsEntry("advertised.listeners", "PLAINTEXT://kafka:9092")
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("log.dirs", "/var/lib/kafka/data")
                .containsEntry("offsets.topic.replication.factor", "1")
                .doesNotContainKeys("heap.opts", "cluster.id", "path");
    }
}
