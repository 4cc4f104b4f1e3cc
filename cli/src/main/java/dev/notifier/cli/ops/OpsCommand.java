package dev.notifier.cli.ops;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "how long reading a topic to its end may take, e.g. 30s, 2m (default: ${DEFAULT-VALUE})")
  String timeout;

  protected final Clock clock = Clock.systemUTC();

  @Override
  public final Integer call() throws Exception {
    try {
      return run();
    } catch (OpsException e) {
      err().println("notifier: " + e.getMessage());
      err().flush();
      return 2;
    } catch (KafkaException e) {
      AuthorizationException refused = refusal(e);
      if (refused == null) {
        throw e;
      }
      String what = e == refused ? refused.getMessage() : e.getMessage().replace(": " + refused.getMessage(), "");
      err().println("notifier: not authorized: the cluster refused " + KafkaPrincipal.of(kafka.settings()
          .clientProperties()) + ": " + what + ". This command needs a role's grant: ask an SRE (notifier acls lists "
          + "who may do what; replaying dead letters needs acls.replayers)");
      err().flush();
      return 2;
    }
  }

  private static AuthorizationException refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AuthorizationException a) {
        return a;
      }
    }
    return null;
  }

  protected abstract int run() throws Exception;

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  protected TopicReader topicReader() {
    return new TopicReader(kafka.settings().clientProperties(), timeout(), clock);
  }

  /** How long reading a topic to its end may take ({@code --timeout}). */
  public Duration timeout() {
    Duration d = TimeArgs.duration("--timeout", timeout);
    if (d.isZero() || d.isNegative()) {
      throw new OpsException("--timeout " + timeout + " must be positive, e.g. 30s");
    }
    return d;
  }
}
