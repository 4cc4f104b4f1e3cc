package dev.notifier.cli.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.cli.NotifierCommand;
import dev.notifier.schemas.PortableSchema;
import dev.notifier.testkit.registry.CompatibilityLevel;
import dev.notifier.testkit.registry.SchemaRegistryServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code notifier schemas check} against a registry over HTTP (the testkit's, which follows the
 * registry's REST contract and checks compatibility with Avro's own rules): compatible subjects,
 * a field the notifier needs removed without a default, a type changed, subjects not registered,
 * the subject's own level honoured, and a registry that does not answer.
 */
class SchemasCheckTest {

  private SchemaRegistryServer registry;

  @TempDir
  Path dir;

  @BeforeEach
  void start() {
    registry = SchemaRegistryServer.start();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void theNotifiersOwnSchemasAreCompatibleAndUnregisteredSubjectsAreSaidSo() {
    registry.register("notifier.events-value", PortableSchema.json(DomainEvent.getClassSchema()));
    registry.register("notifier.send-value", PortableSchema.json(Notification.getClassSchema()));

    Run run = check("--registry", registry.url());

    assertThat(run.code).as(run.err).isZero();
    assertThat(run.out).containsPattern("subject +registered version +result +reason")
        .containsPattern("notifier.events-value +1 +compatible")
        .containsPattern("notifier.send-value +1 +compatible")
        .containsPattern("notifier.status-value +- +not registered +nothing registered")
        .containsPattern("notifier.users-value +- +not registered +nothing registered: no producer")
        .contains("compatible with every registered subject");
  }

  @Test
  void aFieldTheNotifierNeedsRemovedWithoutDefaultOrATypeChangedIsIncompatibleWithTheReason() {
    registry.register("notifier.events-value", SchemaEdits.without(DomainEvent.getClassSchema(), "type").toString());
    registry.register("notifier.status-value", SchemaEdits.retyped(DeliveryStatus.getClassSchema(), "attempts",
        Schema.create(Schema.Type.STRING)).toString());

    Run run = check("--registry", registry.url());

    assertThat(run.code).isEqualTo(1);
    assertThat(run.out).containsPattern("notifier.events-value +1 +INCOMPATIBLE +the notifier's DomainEvent: .*"
        + "READER_FIELD_MISSING_DEFAULT.*type")
        .containsPattern("notifier.status-value +1 +INCOMPATIBLE +the notifier's DeliveryStatus: .*TYPE_MISMATCH"
            + ".*attempts")
        .contains("2 subject(s) incompatible");
  }

  @Test
  void theSubjectsOwnCompatibilityLevelDecides() {
    registry.register("notifier.events-value", SchemaEdits.without(DomainEvent.getClassSchema(), "type").toString());
    registry.compatibility("notifier.events-value", CompatibilityLevel.NONE);

    Run run = check("--registry", registry.url());

    assertThat(run.code).as(run.out).isZero();
    assertThat(run.out).containsPattern("notifier.events-value +1 +compatible");
  }

  @Test
  void theConfigsRegistryAndTopicPrefixAreUsedAndARegistryThatDoesNotAnswerIsSaidSo() throws Exception {
    registry.register("acme.notifier.events-value", PortableSchema.json(DomainEvent.getClassSchema()));
    Path config = dir.resolve("notifier.yaml");
    Files.writeString(config, "kafka:\n  bootstrapServers: localhost:9092\n  topicPrefix: acme.\n"
        + "accounts:\n  - id: relay\n    systemDefault: true\n    host: localhost\n    port: 25\n"
        + "    security: none\n    from: noreply@example.com\n"
        + "streams:\n  schemaRegistry:\n    urls: [" + registry.url() + "]\n");

    Run configured = check("--config", config.toString());
    registry.down();
    Run down = check("--config", config.toString());

    assertThat(configured.code).as(configured.err).isZero();
    assertThat(configured.out).containsPattern("acme.notifier.events-value +1 +compatible");
    assertThat(down.code).isEqualTo(2);
    assertThat(down.err).contains("no schema registry answered").contains(registry.url()).contains("503")
        .contains("Is the registry up");
  }

  @Test
  void theConfigsCredentialsAreUsedWithRegistryReplacingOnlyTheUrlAndNeverPrinted() throws Exception {
    registry.requireBearerToken("t0ken-right");
    registry.register("notifier.events-value", PortableSchema.json(DomainEvent.getClassSchema()));
    Path right = dir.resolve("right.token");
    Files.writeString(right, "t0ken-right\n");
    Path wrong = dir.resolve("wrong.token");
    Files.writeString(wrong, "t0ken-wrong\n");

    Run authorised = check("--config", config(right, "http://127.0.0.1:1").toString(), "--registry", registry.url());
    Run refused = check("--config", config(wrong, registry.url()).toString());

    assertThat(authorised.code).as(authorised.err).isZero();
    assertThat(authorised.out).containsPattern("notifier.events-value +1 +compatible");
    assertThat(refused.code).isEqualTo(2);
    assertThat(refused.err).contains("refused the credentials").doesNotContain("t0ken");
    assertThat(refused.out + authorised.out).doesNotContain("t0ken");
  }

  @Test
  void withoutARegistryTheCommandSaysHowToGiveOne() {
    Run run = check();

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--registry URL").contains("streams.schemaRegistry");
  }

  // --- fixtures -----------------------------------------------------------------------------

  private Path config(Path tokenFile, String url) throws Exception {
    Path config = Files.createTempFile(dir, "notifier", ".yaml");
    Files.writeString(config, "kafka:\n  bootstrapServers: localhost:9092\n"
        + "accounts:\n  - id: relay\n    systemDefault: true\n    host: localhost\n    port: 25\n"
        + "    security: none\n    from: noreply@example.com\n"
        + "streams:\n  schemaRegistry:\n    urls: [" + url + "]\n    bearerTokenFile: " + tokenFile + "\n");
    return config;
  }

  private record Run(int code, String out, String err) {
  }

  private static Run check(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    all[0] = "schemas";
    all[1] = "check";
    System.arraycopy(args, 0, all, 2, args.length);
    int code = NotifierCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
    return new Run(code, out.toString(), err.toString());
  }
}
