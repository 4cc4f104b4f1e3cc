package dev.notifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.cli.management.Management;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The shipped logback.xml (not the tests' logback-test.xml): text lines by default, one JSON object
 * per line when {@code NOTIFIER_LOG_FORMAT=json}, in either format without a problem that logback
 * would report (such as an appender declared and never used), and a problem with the config reported
 * on standard error. Logback resolves the variable from system properties before the environment, so
 * the test sets it as a property.
 */
class LogFormatTest {

  /** What configuring logback and logging wrote: standard error's lines, and logback's worst status. */
  private record Logged(List<String> lines, int worstStatus) {
  }

  @Test
  void jsonFormatWritesOneJsonObjectPerLine() throws Exception {
    Logged logged = logWith("json");
    List<String> lines = logged.lines();

    assertThat(logged.worstStatus()).as("logback's worst status (0 INFO, 1 WARN, 2 ERROR)").isEqualTo(Status.INFO);

    assertThat(lines).hasSize(2);
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertThat(line.get("level").asText()).isEqualTo("INFO");
    assertThat(line.get("loggerName").asText()).isEqualTo("dev.notifier.test");
    assertThat(line.get("message").asText()).isEqualTo("notification {} sent via {}");
    assertThat(line.get("formattedMessage").asText()).isEqualTo("notification n-1 sent via company");
    assertThat(line.get("timestamp").asLong()).isPositive();
    JsonNode warning = new ObjectMapper().readTree(lines.get(1));
    assertThat(warning.get("level").asText()).isEqualTo("WARN");
    assertThat(warning.get("loggerName").asText()).isEqualTo("org.apache.kafka.test");
  }

  @Test
  void textFormatIsTheDefault() throws Exception {
    Logged logged = logWith(null);
    List<String> lines = logged.lines();

    assertThat(logged.worstStatus()).as("logback's worst status (0 INFO, 1 WARN, 2 ERROR)").isEqualTo(Status.INFO);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.+] dev\\.notifier\\.test - "
        + "notification n-1 sent via company");
    assertThat(lines.get(0)).doesNotStartWith("{");
  }

  @Test
  void anUnknownFormatIsReportedOnStandardError() throws Exception {
    Logged logged = logWith("yaml");

    assertThat(logged.worstStatus()).isEqualTo(Status.ERROR);
    assertThat(logged.lines()).anyMatch(l -> l.contains("|-WARN") && l.contains("logback/yaml.xml"));
  }

  /** Configures a fresh logger context from logback.xml, logs, and returns what reached standard error. */
  private static Logged logWith(String format) throws Exception {
    URL config = LogFormatTest.class.getResource("/logback.xml");
    assertThat(config).as("the shipped logback.xml on the class path").isNotNull();
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    // what SLF4J's logback provider sets up for the context it configures itself
    context.setMDCAdapter(new LogbackMDCAdapter());
    int worstStatus;
    try {
      if (format != null) {
        System.setProperty(Management.LOG_FORMAT_ENV, format);
      }
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(config);
      Logger notifier = context.getLogger("dev.notifier.test");
      notifier.info("notification {} sent via {}", "n-1", "company");
      notifier.debug("not at the default level");
      context.getLogger("org.apache.kafka.test").info("below the level of Kafka's loggers");
      context.getLogger("org.apache.kafka.test").warn("a warning from Kafka");
      worstStatus = new StatusUtil(context).getHighestLevel(0);
    } finally {
      context.stop();
      System.setErr(err);
      System.clearProperty(Management.LOG_FORMAT_ENV);
    }
    return new Logged(captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
        .collect(Collectors.toList()), worstStatus);
  }
}
