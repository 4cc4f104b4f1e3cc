package dev.notifier.cli.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.cli.NotifierCommand;
import dev.notifier.schemas.PortableSchema;
import dev.notifier.testkit.registry.CompatibilityLevel;
import dev.notifier.testkit.registry.Registry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code notifier schemas check} against a real registry, Apicurio Registry's Confluent-compatible API:
 * the registry decides, by its own rules, whether the notifier's schemas could be the next version of
 * each subject — compatible, a field the notifier needs removed without a default (incompatible; Apicurio gives
 * no reason, so the row gives Avro's own), and the subject's own level (NONE) honoured. Each test uses its own topic prefix, so
 * its own subjects, on one registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApicurioSchemasCheckIntegrationTest {

  private Registry registry;

  @TempDir
  Path dir;

  @BeforeAll
  void start() {
    registry = RealRegistries.apicurio();
  }

  @AfterAll
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void theNotifiersOwnSchemasAreCompatibleAndUnregisteredSubjectsAreSaidSo() throws Exception {
    registry.register("ok.notifier.events-value", PortableSchema.json(DomainEvent.getClassSchema()));
    registry.register("ok.notifier.send-value", PortableSchema.json(Notification.getClassSchema()));

    Run run = check("ok.");

    assertThat(run.code).as(run.out + run.err).isZero();
    assertThat(run.out).containsPattern("ok.notifier.events-value +1 +compatible")
        .containsPattern("ok.notifier.send-value +1 +compatible")
        .containsPattern("ok.notifier.status-value +- +not registered")
        .contains("compatible with every registered subject");
  }

  @Test
  void aFieldTheNotifierNeedsRemovedWithoutADefaultIsIncompatible() throws Exception {
    registry.register("bad.notifier.events-value",
        SchemaEdits.without(DomainEvent.getClassSchema(), "type").toString());

    Run run = check("bad.");

    assertThat(run.code).as(run.out + run.err).isEqualTo(1);
    // Apicurio says no without a reason: the row gives Avro's own
    assertThat(run.out).containsPattern("bad.notifier.events-value +1 +INCOMPATIBLE +the notifier's DomainEvent: "
        + "the registry gave no reason; Avro's own check .*READER_FIELD_MISSING_DEFAULT_VALUE at /fields/\\d+: type")
        .contains("1 subject(s) incompatible");
  }

  @Test
  void theSubjectsOwnCompatibilityLevelDecides() throws Exception {
    registry.register("free.notifier.events-value",
        SchemaEdits.without(DomainEvent.getClassSchema(), "type").toString());
    registry.compatibility("free.notifier.events-value", CompatibilityLevel.NONE);

    Run run = check("free.");

    assertThat(run.code).as(run.out + run.err).isZero();
    assertThat(run.out).containsPattern("free.notifier.events-value +1 +compatible");
  }

  // --- fixtures -----------------------------------------------------------------------------

  private record Run(int code, String out, String err) {
  }

  private Run check(String topicPrefix) throws Exception {
    Path config = Files.createTempFile(dir, "notifier", ".yaml");
    Files.writeString(config, "kafka:\n  bootstrapServers: localhost:9092\n  topicPrefix: " + topicPrefix + "\n"
        + "accounts:\n  - id: relay\n    systemDefault: true\n    host: localhost\n    port: 25\n"
        + "    security: none\n    from: noreply@example.com\n"
        + "streams:\n  schemaRegistry:\n    urls: [" + registry.url() + "]\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = NotifierCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "schemas", "check",
        "--config", config.toString());
    return new Run(code, out.toString(), err.toString());
  }
}
