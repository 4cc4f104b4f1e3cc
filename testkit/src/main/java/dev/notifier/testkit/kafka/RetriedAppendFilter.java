package dev.notifier.testkit.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.Marker;

/**
 * Drops the ERROR line a broker writes for an append that its transactional producer is meant to retry. Under
 * transactions v2 (KIP-890) a partition takes a transaction's first batch only once the transaction coordinator has
 * verified it. A later batch of the same producer that is ready first is refused with
 * {@link OutOfOrderSequenceException}, a retriable error, and the producer sends it again after the first
 * (KAFKA-18202, KAFKA-14920). Kafka's {@code ReplicaManager} logs every refused append at ERROR; the retry that lands
 * the batch is not logged. CI runs printed such lines from the demo's embedded broker and from the broker image's,
 * under the streams app's transactions, with every notification accounted for.
 *
 * <p>Only those two refusals, named by the endings of the broker's own messages, are dropped. Any other append error
 * is still logged, an out-of-order sequence with no verification behind it included. The brokers this project runs
 * install it: the broker image ({@link KafkaBrokerMain}) and the demo's, when it logs errors only. The notifier's own
 * roles do not: they run no broker, and a turbo filter is asked about every logging call, enabled or not.
 */
public final class RetriedAppendFilter extends TurboFilter {

    /** The broker's logger of refused appends. */
    public static final String LOGGER = "kafka.server.ReplicaManager";

    /** The endings of the broker's messages for the two refusals (kafka-storage's ProducerAppendInfo). */
    private static final List<String> RETRIED = List.of(
            "Expected sequence 0 for transactions v2 idempotent producer with no existing state.",
            "(earliest seen sequence)");

    /** Adds a started filter to {@code context}. */
    public static void install(LoggerContext context) {
        RetriedAppendFilter filter = new RetriedAppendFilter();
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        if (t instanceof OutOfOrderSequenceException && LOGGER.equals(logger.getName()) && t.getMessage() != null
                && RETRIED.stream().anyMatch(t.getMessage()::endsWith)) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
