package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The entry points of the notifier image that need nothing else, each run in a container of the engine (see
 * {@link ContainerEngine}): the default arguments (the usage), {@code --version}, and {@code demo}, which starts
 * an embedded broker and SMTP server inside the container (it once crashed there: the jlink'd runtime lacked
 * java.desktop's java.beans, which the broker needs). Each must exit 0 without an ERROR line. The roles and the
 * operator commands, which need a broker, run in {@link NotifierStackIntegrationTest}.
 */
class ImageEntryPointsIntegrationTest {

  @BeforeAll
  static void engine() {
    ContainerEngine.require();
  }

  @Test
  void defaultArgumentsPrintTheUsage() {
    ContainerEngine.Run run = ContainerEngine.run(null, Map.of(), Duration.ofMinutes(1), 256);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("Usage: notifier").contains("streams").contains("worker").contains("demo");
    assertThat(run.errorLines()).as(run.output()).isEmpty();
  }

  @Test
  void versionIsPrinted() {
    ContainerEngine.Run run = ContainerEngine.run(null, Map.of(), Duration.ofMinutes(1), 256, "--version");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("notifier 0.1.0");
  }

  @Test
  void demoDeliversItsMailInsideTheContainer() {
    ContainerEngine.Run run = ContainerEngine.run(null, Map.of(), Duration.ofMinutes(3), 1024, "demo");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("notifications sent   40 (SMTP server received 40)").contains("Demo OK.");
    assertThat(run.errorLines()).as(run.output()).isEmpty();
  }
}
