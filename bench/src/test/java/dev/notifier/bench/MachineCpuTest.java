package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineCpuTest {

  @Test
  void threadsAreToldApartByTheirNames() {
    assertThat(MachineCpu.partOf("bench-latency-senders-d1-1f2e-default-3")).isEqualTo(MachineCpu.WORKER);
    assertThat(MachineCpu.partOf("kafka-producer-network-thread | bench-latency-senders-d1-1f2e-outcomes"))
        .isEqualTo(MachineCpu.WORKER);
    assertThat(MachineCpu.partOf("bench-latency-d1-7c1a-StreamThread-1")).isEqualTo(MachineCpu.TOPOLOGY);
    assertThat(MachineCpu.partOf("kafka-producer-network-thread | bench-latency-d1-7c1a-StreamThread-1-producer"))
        .isEqualTo(MachineCpu.TOPOLOGY);
    assertThat(MachineCpu.partOf("smtp-session-12")).isEqualTo(MachineCpu.SMTP);
    assertThat(MachineCpu.partOf("kafka-producer-network-thread | bench-upstream")).isEqualTo(MachineCpu.LOAD);
    assertThat(MachineCpu.partOf("bench-send-topic-watch")).isEqualTo(MachineCpu.LOAD);
    assertThat(MachineCpu.partOf("main")).isEqualTo(MachineCpu.LOAD);
    assertThat(MachineCpu.partOf("data-plane-kafka-request-handler-0")).isEqualTo(MachineCpu.BROKER);
    assertThat(MachineCpu.partOf("TxnMarkerSenderThread-1")).isEqualTo(MachineCpu.BROKER);
  }

  @Test
  void coresAndPerNotificationComeFromTheWindow() {
    MachineCpu cpu = new MachineCpu(Map.of(MachineCpu.TOPOLOGY, 300_000_000L, MachineCpu.BROKER, 500_000_000L),
        1_000_000_000L, 1000);
    assertThat(cpu.cores()).isEqualTo(0.8);
    assertThat(cpu.msPerNotification(MachineCpu.TOPOLOGY)).isEqualTo(0.3);
    assertThat(cpu.msPerNotification(MachineCpu.WORKER)).isZero();
    assertThat(cpu.msPerNotification()).isEqualTo(0.8);
    assertThat(new MachineCpu(Map.of(), 1, 0).msPerNotification()).isNaN();
  }

  @Test
  void anUnknownPartIsRefused() {
    assertThatThrownBy(() -> new MachineCpu(Map.of("elsewhere", 1L), 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("elsewhere");
  }
}
