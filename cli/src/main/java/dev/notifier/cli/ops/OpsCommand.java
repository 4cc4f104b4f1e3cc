package dev.notifier.cli.ops;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of the operator commands: the Kafka options, the output writers, and one place that
 * turns an {@link OpsException} into a message for the person and exit code 2.
 */
public abstract class OpsCommand implements Callable<Integer> {

  @Spec
  protected CommandSpec spec;

  @Mixin
  protected KafkaOptions kafka;

  protected final Clock clock = Clock.systemUTC();

  @Override
  public final Integer call() throws Exception {
    try {
      return run();
    } catch (OpsException e) {
      err().println("notifier: " + e.getMessage());
      err().flush();
      return 2;
    }
  }

  protected abstract int run() throws Exception;

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  protected TopicReader topicReader() {
    return new TopicReader(kafka.settings().clientProperties(), kafka.timeout(), clock);
  }
}
