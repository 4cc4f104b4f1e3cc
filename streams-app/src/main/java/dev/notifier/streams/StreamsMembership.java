package dev.notifier.streams;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How a streams app instance takes part in its group, so that an instance that stops or dies holds up
 * its partitions' mail for seconds, not Kafka Streams' 45.
 *
 * <p>Kafka Streams' own defaults suit an instance that comes back at once with the same identity: its
 * stream threads do not leave the group when it closes, and a member is given up only when its session
 * (45 s) passes without a heartbeat. For the notifier's instances (a Deployment of dynamic members)
 * that meant every stop held the mail of its tasks for 45 s, and every restart of the only instance —
 * to apply a config change — held all of it: the coordinator waited for the old member to come back
 * before it let the new one in. So:
 *
 * <ul>
 *   <li><b>An instance that stops leaves the group</b> ({@link #closeOptions}): its stream threads commit,
 *       say they leave, and the group gives their tasks to the others at once; a restart is let in at
 *       once.
 *   <li><b>One that dies without a word</b> (kill -9, a lost node) is given up after 6 s, the shortest
 *       session a broker allows by default, with a heartbeat every second (six chances a session; the
 *       heartbeat thread does not wait for processing, {@code max.poll.interval.ms} covers that): as
 *       the workers' consumers do.
 * </ul>
 *
 * <p>{@code session.timeout.ms} and {@code heartbeat.interval.ms} under {@code kafka.properties} (bare,
 * or with Kafka Streams' {@code consumer.} or {@code main.consumer.} prefix) override these; with {@code
 * group.protocol: streams} (KIP-1071) the broker decides them, and the app sets neither.
 */
final class StreamsMembership {

  /** How long the coordinator waits for a silent instance before it gives its tasks to others. */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
  /** How often a stream thread tells the coordinator it is alive: six chances within a session. */
  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

  private StreamsMembership() {
  }

  /** Adds the session and heartbeat to {@code props} unless they are configured, or the broker decides them. */
  static void configure(Properties props) {
    if (streamsProtocol(props)) {
      return;
    }
    putUnlessConfigured(props, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT);
    putUnlessConfigured(props, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL);
  }

  /** How the app closes: within {@code timeout}, its stream threads leaving the group. */
  static CloseOptions closeOptions(Duration timeout) {
    return CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(timeout);
  }

  /**
   * What to tell the operator when a stream thread died of {@code failure}, if it is the group's doing: a broker
   * that allows no session as short (or as long) as asked refuses every join, however often the app retries.
   * Empty for any other failure.
   */
  static Optional<String> explain(Throwable failure, Properties props) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidSessionTimeoutException) {
        return Optional.of("the broker refuses the consumer group session time-out of "
            + sessionTimeout(props) + " ms: set session.timeout.ms under kafka.properties within the broker's "
            + "group.min.session.timeout.ms and group.max.session.timeout.ms (the app asks for "
            + SESSION_TIMEOUT.toMillis() + " ms unless told otherwise)");
      }
    }
    return Optional.empty();
  }

  /** The session time-out the main consumer asks for: Kafka Streams takes the most specific key. */
  private static String sessionTimeout(Properties props) {
    String key = ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG;
    return Stream.of(StreamsConfig.mainConsumerPrefix(key), StreamsConfig.consumerPrefix(key), key)
        .map(props::getProperty).filter(v -> v != null).findFirst().orElse("?");
  }

  private static void putUnlessConfigured(Properties props, String key, Duration value) {
    boolean configured = Stream.of(key, StreamsConfig.consumerPrefix(key), StreamsConfig.mainConsumerPrefix(key))
        .anyMatch(props::containsKey);
    if (!configured) {
      props.put(key, String.valueOf(value.toMillis()));
    }
  }

  private static boolean streamsProtocol(Properties props) {
    Object protocol = props.get(StreamsConfig.GROUP_PROTOCOL_CONFIG);
    return protocol != null && "streams".equals(protocol.toString().trim().toLowerCase(Locale.ROOT));
  }
}
