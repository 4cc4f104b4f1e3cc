package dev.notifier.cli;

import dev.notifier.cli.config.ConfigFile.ConfigException;
import dev.notifier.cli.demo.DemoCommand;
import dev.notifier.cli.console.ConsoleCommand;
import dev.notifier.cli.feedback.BouncesCommand;
import dev.notifier.cli.feedback.WebhooksCommand;
import dev.notifier.cli.ops.acls.AclsCommand;
import dev.notifier.cli.ops.backlog.BacklogCommand;
import dev.notifier.cli.ops.dlt.DltCommand;
import dev.notifier.cli.ops.invalid.InvalidCommand;
import dev.notifier.cli.ops.ledger.StatusCommand;
import dev.notifier.cli.ops.suppressions.SuppressionsCommand;
import dev.notifier.cli.ops.topics.TopicsCommand;
import dev.notifier.cli.publish.PublishCommand;
import dev.notifier.cli.schemas.SchemasCommand;
import dev.notifier.schemas.AvroLimits;
import dev.notifier.schemas.admin.TopicsNotReadyException;
import java.io.PrintWriter;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one {@code notifier} command. */
@Command(name = "notifier", mixinStandardHelpOptions = true, version = "notifier 0.1.0",
    description = "Kafka-native email notifications: turn domain events into delivered mail.",
    subcommands = {DemoCommand.class, StreamsCommand.class, WorkerCommand.class, PublishCommand.class,
        SmtpCheckCommand.class,
        DltCommand.class, InvalidCommand.class, StatusCommand.class, BacklogCommand.class, TopicsCommand.class, AclsCommand.class, ConsoleCommand.class,
        SchemasCommand.class, SuppressionsCommand.class, BouncesCommand.class, WebhooksCommand.class})
public final class NotifierCommand {

  static {
    // before any Avro class initialises: Avro reads its reader limits once
    AvroLimits.install();
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (the test entry point). */
  public static int execute(String... args) {
    return execute(null, null, args);
  }

  /** Runs the command line writing to {@code out} and {@code err} (null: the standard streams); returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new NotifierCommand());
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigException || e instanceof IllegalArgumentException
          || e instanceof TopicsNotReadyException) {
        commandLine.getErr().println("notifier: " + e.getMessage());
        return 2;
      }
      if (e instanceof KafkaException) {
        commandLine.getErr().println("notifier: Kafka: " + describe(e)
            + " (check the config's kafka section, or --bootstrap-server where the command takes it)");
        return 2;
      }
      throw e;
    });
    return cli.execute(args);
  }

  /** The exception's message and its causes' messages, without a stack trace. */
  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      text.append(": ").append(cause.getMessage());
    }
    return text.toString();
  }
}
