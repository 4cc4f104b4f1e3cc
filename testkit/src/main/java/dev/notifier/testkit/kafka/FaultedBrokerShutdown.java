package dev.notifier.testkit.kafka;

import java.lang.reflect.Field;
import java.time.Duration;

import kafka.server.BrokerServer;
import kafka.server.KafkaRaftServer;
import scala.Option;

/**
 * Shuts down the broker half of a combined-mode server that has had a fatal fault, with a short budget for the
 * controller's approval of its controlled shutdown.
 *
 * <p>{@link KafkaRaftServer#shutdown()} gives the broker five minutes to have its controlled shutdown approved. After
 * a fatal fault the controller may never answer: since Kafka 4.4 a failed metadata log directory also ends the
 * raft I/O thread (its fault handler asks to halt, and {@link BrokerExitGuard} throws there instead), so nothing
 * approves the request and {@code stop()} waited the full five minutes before going on. A broker that would have
 * halted has nothing to hand over; this gives it {@link #BUDGET}. The broker server is a private field of
 * {@code KafkaRaftServer}; if a later Kafka renames it, this does nothing and the ordinary shutdown follows.
 */
final class FaultedBrokerShutdown {

    static final Duration BUDGET = Duration.ofSeconds(5);

    private FaultedBrokerShutdown() {
    }

    /** Shuts the broker of {@code server} down within {@link #BUDGET}, if it can be reached; else does nothing. */
    static void shutDownBroker(KafkaRaftServer server) {
        try {
            Field field = KafkaRaftServer.class.getDeclaredField("broker");
            field.setAccessible(true);
            Object broker = ((Option<?>) field.get(server)).getOrElse(() -> null);
            if (broker instanceof BrokerServer brokerServer) {
                brokerServer.shutdown(BUDGET);
            }
        } catch (ReflectiveOperationException | RuntimeException unreachable) {
            // the ordinary shutdown that follows still stops it, only more slowly
        }
    }
}
