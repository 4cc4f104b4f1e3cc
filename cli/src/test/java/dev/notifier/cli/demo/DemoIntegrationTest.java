package dev.notifier.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.cli.NotifierCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo runs end to end and reports exactly the outcomes its data implies. */
class DemoIntegrationTest {

  @Test
  void theDemoReportsEveryOutcomeOfItsData() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    DemoSummary summary = new Demo(new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

    // 11 JSON events + 1 Avro event + 1 garbage record
    assertThat(summary.eventsIn()).isEqualTo(13);
    assertThat(summary.invalid()).isEqualTo(1);
    assertThat(summary.sent()).isEqualTo(18);
    assertThat(summary.smtpReceived()).isEqualTo(18);
    assertThat(summary.skipped()).isEqualTo(Map.of("actor", 2L, "no-email", 1L, "inactive", 1L,
        "unknown-user", 1L, "no-rule", 1L));
    // alice twice in the first event, its re-publication (5 candidates), dave as cc and project member of the
    // story, dave as owner and group member of the test task
    assertThat(summary.duplicatesDropped()).isEqualTo(8);
    assertThat(summary.dead()).isEqualTo(1);
    assertThat(summary.ok()).isTrue();
    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("ext@example.com").contains("gone@example.com").contains("550 5.1.1")
        .contains("[禅道] 测试单 #3").contains("Demo OK.");
  }

  @Test
  void unknownSubcommandExitsNonZero() {
    assertThat(NotifierCommand.execute("no-such-command")).isNotZero();
  }
}
