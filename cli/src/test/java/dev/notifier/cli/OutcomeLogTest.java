package dev.notifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.cli.management.Management;
import dev.notifier.sender.outcome.OutcomeLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The worker's outcome lines go through the shipped logback.xml's asynchronous appender: far more
 * lines than its queue holds, logged as fast as possible, all arrive, in order, in the chosen format,
 * once logback is stopped (as {@code notifier worker} does on exit).
 */
class OutcomeLogTest {

  private static final String OUTCOMES = OutcomeLog.NAME;
  private static final int LINES = 30_000;

  @Test
  void noOutcomeLineIsLostInText() throws Exception {
    List<String> lines = logOutcomes(null);

    assertThat(lines).hasSize(LINES);
    for (int i = 0; i < LINES; i++) {
      assertThat(lines.get(i)).endsWith(" INFO  [main] " + OUTCOMES + " - SENT n-" + i + " account=company attempts=1");
    }
  }

  @Test
  void noOutcomeLineIsLostInJson() throws Exception {
    List<String> lines = logOutcomes("json");

    assertThat(lines).hasSize(LINES);
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < LINES; i += 997) {
      assertThat(json.readTree(lines.get(i)).get("formattedMessage").asText())
          .isEqualTo("SENT n-" + i + " account=company attempts=1");
    }
    assertThat(json.readTree(lines.get(LINES - 1)).get("formattedMessage").asText())
        .isEqualTo("SENT n-" + (LINES - 1) + " account=company attempts=1");
  }

  private static List<String> logOutcomes(String format) throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    try {
      if (format != null) {
        System.setProperty(Management.LOG_FORMAT_ENV, format);
      }
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(OutcomeLogTest.class.getResource("/logback.xml"));
      Logger outcomes = context.getLogger(OUTCOMES);
      for (int i = 0; i < LINES; i++) {
        outcomes.info("SENT {} account={} attempts={}", "n-" + i, "company", 1);
      }
    } finally {
      context.stop();
      System.setErr(err);
      System.clearProperty(Management.LOG_FORMAT_ENV);
    }
    return captured.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("SENT n-")).toList();
  }
}
