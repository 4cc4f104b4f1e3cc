package dev.notifier.cli.publish;

import dev.notifier.cli.ops.KafkaOptions;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicCheck;
import dev.notifier.schemas.config.KafkaSettings;
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

  @Option(names = "--avro", description = "publish events in Avro single-object encoding instead of JSON")
  boolean avro;

  @Override
  public Integer call() throws Exception {
    KafkaSettings settings = kafka.settings();
    RecordKind recordKind = RecordKind.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
    // a producer's first send to a missing topic would create it with the broker's defaults
    Topics topics = settings.topics();
    TopicCheck.requireReady(settings.clientProperties(), topics, List.of(topics.events(), topics.users(),
        topics.groups()), "notifier publish");
    try (Publisher publisher = new Publisher(settings.clientProperties(), settings.topics()); BufferedReader in = reader()) {
      Publisher.Result result = publisher.publish(in, recordKind, avro);
      result.errors().forEach(e -> spec.commandLine().getErr().println("skipped " + e));
      spec.commandLine().getOut().printf("published %d %s%n", result.published(), kind);
      return result.errors().isEmpty() ? 0 : 1;
    }
  }

  private BufferedReader reader() throws java.io.IOException {
    return file == null ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }
}
