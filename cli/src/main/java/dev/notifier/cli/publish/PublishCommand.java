package dev.notifier.cli.publish;

import dev.notifier.avro.DomainEvent;
import dev.notifier.cli.ops.KafkaOptions;
import dev.notifier.cli.schemas.RegistryOptions;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicCheck;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryEncoder;
import dev.notifier.schemas.registry.RegistryRefusedException;
import dev.notifier.schemas.registry.RegistrySubjects;
import dev.notifier.schemas.registry.RegistryUnavailableException;
import dev.notifier.schemas.registry.SchemaNotRegisteredException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Publishes events, users or groups from JSON lines (a file, or standard input). */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = "Publish JSON lines (events, users or groups) to Kafka.")
public final class PublishCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--kind", defaultValue = "events", description = "events, users or groups (default: ${DEFAULT-VALUE})")
  String kind;

  @Option(names = "--file", description = "JSON lines file; standard input when absent")
  Path file;

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--avro", description = "the same as --format avro")
  boolean avro;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
      description = "events as json (as given), avro (single-object encoding) or avro-registry (a schema registry's "
          + "wire format, subject <events topic>-value; needs --registry or the config's streams.schemaRegistry) "
          + "(default: ${DEFAULT-VALUE})")
  String format;

  @Mixin
  RegistryOptions registry;

  @Option(names = "--auto-register",
      description = "with --format avro-registry: register the notifier's DomainEvent schema under the subject when "
          + "it is not there (off: the subject's owners register it)")
  boolean autoRegister;

  @Override
  public Integer call() throws Exception {
    KafkaSettings settings = kafka.settings();
    RecordKind recordKind = RecordKind.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
    // a producer's first send to a missing topic would create it with the broker's defaults
    Topics topics = settings.topics();
    TopicCheck.requireReady(settings.clientProperties(), topics, List.of(topics.events(), topics.users(),
        topics.groups()), "notifier publish");
    EventEncoder events = events(recordKind, topics);
    try (Publisher publisher = new Publisher(settings.clientProperties(), settings.topics()); BufferedReader in = reader()) {
      Publisher.Result result = publisher.publish(in, recordKind, events);
      result.errors().forEach(e -> spec.commandLine().getErr().println("skipped " + e));
      spec.commandLine().getOut().printf("published %d %s%n", result.published(), kind);
      return result.errors().isEmpty() ? 0 : 1;
    }
  }

  /**
   * The events' encoder; for the registry format its schema id is asked for now, so that a subject
   * without the schema stops the command before anything is sent.
   */
  private EventEncoder events(RecordKind recordKind, Topics topics) {
    EventFormat eventFormat = avro ? EventFormat.AVRO : EventFormat.parse(format);
    if (eventFormat != EventFormat.AVRO_REGISTRY) {
      return eventFormat == EventFormat.AVRO ? EventEncoder.avro() : EventEncoder.json();
    }
    if (recordKind != RecordKind.EVENTS) {
      throw new IllegalArgumentException("--format avro-registry is for --kind events; users and groups are "
          + "always published in Avro single-object encoding: drop --format");
    }
    String subject = RegistrySubjects.subject(topics.events());
    RegistryEncoder<DomainEvent> encoder = new RegistryEncoder<>(new RegistryClient(
        registry.settings(kafka.configFile()), System::getenv), subject, DomainEvent.getClassSchema(), autoRegister);
    try {
      encoder.schemaId();
    } catch (SchemaNotRegisteredException e) {
      throw new IllegalArgumentException(e.getMessage() + ": register it with your registry's tools (the schema is "
          + "`notifier schemas --avsc DomainEvent`), or publish with --auto-register", e);
    } catch (RegistryUnavailableException | RegistryRefusedException e) {
      throw new IllegalArgumentException("publish --format avro-registry, subject " + subject + ": "
          + e.getMessage(), e);
    }
    return EventEncoder.registry(encoder);
  }

  private BufferedReader reader() throws java.io.IOException {
    return file == null ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }
}
