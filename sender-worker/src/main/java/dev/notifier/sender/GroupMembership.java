package dev.notifier.sender;

import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;

/**
 * How a worker's consumers take part in their consumer group: how soon the partitions of a worker
 * that died move to another, and how calmly partitions move when workers come and go. A worker
 * killed with {@code kill -9} says nothing: the group coordinator notices only when its session time-out
 * passes without a heartbeat, and until then nobody sends that worker's partitions' mail.
 *
 * <p><b>The choice, measured.</b> Reliability scenario 13 ({@code WorkerFailoverReliabilityTest}:
 * two workers under load, the one owning two of three partitions killed with SIGKILL, then a third
 * worker joins and leaves on SIGTERM) timed, from the kill to the first message of the dead
 * worker's partitions at the SMTP server, and from the SIGTERM to its partitions being owned again:
 *
 * <table>
 *   <caption>Resume after kill -9, and hand-back after a graceful leave</caption>
 *   <tr><th>group settings</th><th>after kill -9</th><th>after SIGTERM</th></tr>
 *   <tr><td>classic, Kafka's defaults (session 45 s, heartbeat 3 s)</td><td>46.8 s, 46.3 s</td><td>2.9 s</td></tr>
 *   <tr><td>classic, static membership ({@code group.instance.id}), 45 s</td><td>46.3 s</td><td>44.5 s</td></tr>
 *   <tr><td>classic, static membership, 6 s / 1 s</td><td>6.8 s</td><td>6.3 s</td></tr>
 *   <tr><td>KIP-848 {@code group.protocol=consumer}, broker defaults (45 s / 5 s)</td><td>40.7 s, 40.5 s</td>
 *       <td>0.5 s</td></tr>
 *   <tr><td>KIP-848, the broker's {@code group.consumer.*} session 6 s, heartbeat 1 s</td><td>6.2 s</td>
 *       <td>1.0 s</td></tr>
 *   <tr><td><b>classic, dynamic, session 6 s, heartbeat 1 s (chosen)</b></td><td>6.2 s, 6.2 s, 6.2 s</td>
 *       <td>1.1 s, 0.8 s</td></tr>
 * </table>
 *
 * <p>With every setting the survivor gave up no partition when the dead worker's came to it, and
 * exactly one when the newcomer joined: no rebalance storm. Why the classic protocol with a 6 s
 * session and dynamic members:
 *
 * <ul>
 *   <li>The session time-out is the whole delay, so it must be short. 6 s is the shortest a broker
 *       allows by default ({@code group.min.session.timeout.ms}); heartbeats every second give the
 *       background heartbeat thread six chances per session, so only a process stalled (or cut
 *       off) for 6 s loses its partitions — and a busy poll loop never does: heartbeats do not wait
 *       for it, {@code max.poll.interval.ms} covers it.
 *   <li>KIP-848 moves partitions as fast only if the broker is reconfigured: under its protocol the
 *       session time-out is the broker's ({@code group.consumer.session.timeout.ms}, 45 s, and no
 *       group may go below {@code group.consumer.min.session.timeout.ms}, also 45 s); a client may
 *       not even set it. An operator who owns the brokers may choose it ({@code group.protocol:
 *       consumer} under {@code kafka.properties}); the worker then leaves the group settings to the
 *       broker. Under it a worker whose assignment did not change hears of no rebalance, so a send
 *       topic's growth reaches its throttle shares only through its metadata: see {@link NewPartitions}.
 *   <li>Static membership does not help a permanent kill (the dead member keeps its partitions for
 *       the session time-out all the same), and it hurts every graceful leave: a static member does
 *       not leave the group on close, so its partitions wait out the session (44.5 s measured) on each
 *       scale-down or rolling restart — and workers are a Deployment with random ids, which a static
 *       member needs stable.
 *   <li>Cooperative-sticky assignment moves only the partitions that must move, and revokes a
 *       partition before any other worker is given it; a killed worker sends nothing more. So the
 *       throttle shares (owned / all send partitions) never sum above one: the survivor runs at 1
 *       once it owns everything, and beside a newcomer the two shares sum to 1 (scenario 13).
 * </ul>
 *
 * <p>{@code session.timeout.ms} and {@code heartbeat.interval.ms} under {@code kafka.properties}
 * override these defaults (e.g. a longer session on a network with hiccups, at the price of a
 * slower resume); a broker that does not allow the session time-out stops the worker with a message
 * saying so.
 */
final class GroupMembership {

  /** How long the coordinator waits for a silent worker before it gives its partitions to others. */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
  /** How often a worker tells the coordinator it is alive: six chances within a session. */
  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

  private GroupMembership() {
  }

  /**
   * Adds the group settings to a consumer's {@code props}: the time-outs unless the config's kafka
   * properties set them, and cooperative-sticky assignment — all of them only for the classic
   * protocol; with {@code group.protocol: consumer} the broker decides them all.
   */
  static void configure(Properties props) {
    if (consumerProtocol(props)) {
      return;
    }
    props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(SESSION_TIMEOUT.toMillis()));
    props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(HEARTBEAT_INTERVAL.toMillis()));
    // adding or removing a worker moves only the partitions that must move, one owner at a time
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
  }

  private static boolean consumerProtocol(Properties props) {
    Object protocol = props.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    return protocol != null
        && GroupProtocol.CONSUMER.name().equals(protocol.toString().trim().toUpperCase(Locale.ROOT));
  }
}
