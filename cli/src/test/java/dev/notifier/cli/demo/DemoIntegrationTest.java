package dev.notifier.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.cli.NotifierCommand;
import dev.notifier.cli.management.Management;
import dev.notifier.reliability.ManagedProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo runs end to end and reports exactly the outcomes its data implies, and nothing else. */
class DemoIntegrationTest {

  /** A WARN or ERROR line in the shipped log format ({@code HH:mm:ss.SSS LEVEL [thread] logger - message}), with
   * the first lines of its stack trace if it has one, so that a failure names its cause. */
  private static final Pattern WARNING = Pattern.compile(
      "(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (WARN|ERROR) .*$(\\R(?!\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ).*$){0,8}");

  @Test
  void theDemoReportsEveryOutcomeOfItsData() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    AtomicReference<Demo> demo = new AtomicReference<>();
    AtomicReference<String> metrics = new AtomicReference<>();
    AtomicReference<HttpResponse<String>> ready = new AtomicReference<>();
    AtomicReference<HttpResponse<String>> deadLetters = new AtomicReference<>();
    AtomicReference<HttpResponse<String>> accounts = new AtomicReference<>();
    // with --management-port 0: the endpoint is up while the demo runs; scrape it before the demo shuts down
    demo.set(new Demo(new PrintStream(printed, true, StandardCharsets.UTF_8), bootstrap -> {
      metrics.set(get(demo.get().managementPort(), Management.METRICS_PATH).body());
      ready.set(get(demo.get().managementPort(), Management.READINESS_PATH));
      // what --keep-running serves: the console on the demo's broker and workers, for the user demo
      try (var console = DemoConsole.start(bootstrap, "demo-pw", demo.get().managementPort())) {
        deadLetters.set(get(console.port(), "/dead-letters", "demo:demo-pw"));
        accounts.set(get(console.port(), "/accounts", "demo:demo-pw"));
      }
    }, 0));
    DemoSummary summary = demo.get().run();

    // 17 JSON events + 1 Avro event + 1 garbage record, then 20 bulk events and a critical one
    assertThat(summary.eventsIn()).isEqualTo(40);
    assertThat(summary.invalid()).isEqualTo(1);
    // 18 ZenTao mails, 1 digest of the 5 edits, 20 bulk mails, 1 password reset; Hana's task is held
    assertThat(summary.sent()).isEqualTo(40);
    assertThat(summary.smtpReceived()).isEqualTo(40);
    assertThat(summary.digests()).as("the five edits of bug 42, in one digest").hasSize(1).containsValue(5L);
    assertThat(summary.held()).as("the task for Hana, whose night it is").isEqualTo(1);
    assertThat(summary.bulkBeforeCritical()).as("bulk mails at the server before the critical one published after"
        + " them all").isBetween(0, summary.backlog() / 2);
    assertThat(summary.skipped()).isEqualTo(Map.of("actor", 2L, "no-email", 1L, "inactive", 1L,
        "unknown-user", 1L, "no-rule", 1L));
    // alice twice in the first event, its re-publication (5 candidates), dave as cc and project member of the
    // story, dave as owner and group member of the test task
    assertThat(summary.duplicatesDropped()).isEqualTo(8);
    assertThat(summary.dead()).isEqualTo(1);
    assertThat(summary.ok()).isTrue();
    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("[ZenTao] 5 updates: 5 changes on Bug #42").contains("DEFERRED in the ledger")
        .contains("** Password reset requested -> hana@example.com (critical) **")
        .contains("ext@example.com").contains("gone@example.com").contains("550 5.1.1")
        .contains("    garbage-1: unknown-encoding — the value is neither Avro single-object encoding")
        .contains("[禅道] 测试单 #3").contains("Demo OK.")
        .contains("Metrics and health: http://127.0.0.1:" + demo.get().managementPort() + "/metrics");
    assertThat(ready.get().statusCode()).isEqualTo(200);
    assertThat(deadLetters.get().statusCode()).isEqualTo(200);
    assertThat(deadLetters.get().body()).contains("demo (replayer)", "gone@example.com", "DEAD_RECIPIENT",
        "id=\"replay-form\"");
    assertThat(accounts.get().body()).contains("data-account=\"default\"");
    assertThat(metrics.get()).contains("notifier_events_in_total{type=\"bug.assigned\"} 2.0")
        .contains("notifier_events_invalid_total{reason=\"unknown-encoding\"} 1.0")
        .contains("notifier_duplicates_dropped_total 8.0").contains("notifier_ready 1.0")
        // the policy stage's decisions: bug 42's five edits digested (one digest sent), Hana's task held
        .contains("notifier_policy_decisions_total{decision=\"digested\"} 5.0")
        .contains("notifier_policy_decisions_total{decision=\"digest-sent\"} 1.0")
        .contains("notifier_policy_decisions_total{decision=\"deferred\"} 1.0")
        .contains("jvm_memory_used_bytes").contains("kafka_stream_")
        // the workers' meters in the same registry: 40 sent and the 550 dead-lettered, over both workers
        .contains("notifier_sends_total{account=\"default\",outcome=\"sent\"} 40.0")
        .contains("notifier_dead_letters_total{account=\"default\",class=\"DEAD_RECIPIENT\"} 1.0")
        .contains("notifier_breaker_state{account=\"default\",state=\"closed\"} 1.0");
  }

  private static HttpResponse<String> get(int port, String path) {
    return get(port, path, null);
  }

  /** A GET, with basic auth when {@code user} ("name:password") is given. */
  private static HttpResponse<String> get(int port, String path, String user) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(30));
      if (user != null) {
        request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            user.getBytes(StandardCharsets.UTF_8)));
      }
      return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(request.build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theDemoCommandShowsTheDemoAndNoLogNoise(@TempDir Path temp) throws IOException {
    // `notifier demo` as a person runs it: its own JVM, the shipped logging config; a terminal shows the log
    // (standard error) between the demo's own lines (standard output)
    try (ManagedProcess demo = ManagedProcess.notifierAsShipped("demo", Path.of("target", "process-logs"), temp,
        "demo").start()) {
      int exit = demo.exitCode(Duration.ofSeconds(180));
      String stdout = demo.stdout();
      String log = demo.currentOutput();

      assertThat(exit).as(stdout + log).isZero();
      assertThat(stdout.strip()).as("the demo's own account, from its first line to its last")
          .startsWith("Starting an embedded Kafka broker").endsWith("Demo OK.");
      assertThat(stdout).as("logback's start-up status").doesNotContain("|-INFO", "|-WARN", "ch.qos.logback");
      assertThat(WARNING.matcher(stdout + log).results().map(m -> m.group()).toList())
          .as("the broker's, Kafka clients' and other WARN or ERROR log lines").isEmpty();
    }
    // the broker's log, the streams app's state stores, the rules file, the native libraries it unpacked: all gone
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left.map(p -> temp.relativize(p).toString()).toList())
          .as("what the demo left in its temporary directory").isEmpty();
    }
  }

  @Test
  void unknownSubcommandExitsNonZero() {
    assertThat(NotifierCommand.execute("no-such-command")).isNotZero();
  }
}
