package dev.notifier.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.storage.internals.log.AppendOrigin;
import org.apache.kafka.storage.internals.log.LogOffsetMetadata;
import org.apache.kafka.storage.internals.log.ProducerAppendInfo;
import org.apache.kafka.storage.internals.log.ProducerStateEntry;
import org.apache.kafka.storage.internals.log.VerificationStateEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker image's logging, as {@link KafkaBrokerMain} sets it up, drops the broker's ERROR line for the two
 * appends that transaction verification refuses for the producer to retry, and nothing else. The two refusals are
 * made by the broker's own code (kafka-storage's ProducerAppendInfo), so a Kafka upgrade that words them differently
 * fails this test.
 */
class RetriedAppendFilterTest {

    private static final String APPEND = "[ReplicaManager broker=1] Error processing append operation on partition t-2";
    private static final String NO_STATE = "Invalid sequence number for producer 0 at offset 17 in partition t-2: 1"
            + " (incoming seq. number). Expected sequence 0 for transactions v2 idempotent producer with no existing state.";
    private static final String GAP = "Out of order sequence number for producer 0 at offset 17 in partition t-2: 3"
            + " (incoming seq. number), 1 (current end sequence number)";

    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> shown = new ListAppender<>();

    @BeforeEach
    void theBrokerImagesLogging() {
        KafkaBrokerMain.leaveOutRetriedAppends(context);
        shown.setContext(context);
        shown.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(shown);
    }

    @Test
    void theTwoRetriedRefusalsAreNotShown() {
        Logger broker = context.getLogger(RetriedAppendFilter.LOGGER);
        // transactions v2: a producer's batch with sequence 1 where the partition holds no state of it yet
        OutOfOrderSequenceException noState = refused(true);
        // a batch after the lowest one still being verified
        OutOfOrderSequenceException earliest = refused(false);
        broker.error(APPEND, noState);
        broker.error(APPEND, earliest);

        assertThat(noState).hasMessageEndingWith("with no existing state.");
        assertThat(earliest).hasMessageEndingWith("(earliest seen sequence)");
        assertThat(shown.list).isEmpty();
    }

    /** The broker's refusal of a verified transaction's batch 1 while its batch 0 is not in the log. */
    private static OutOfOrderSequenceException refused(boolean transactionsV2) {
        long producerId = 7;
        ProducerAppendInfo append = new ProducerAppendInfo(new TopicPartition("t", 2), producerId,
                new ProducerStateEntry(producerId, (short) 0, 0, 0L, OptionalLong.empty()), AppendOrigin.CLIENT,
                new VerificationStateEntry(0L, 0, (short) 0, transactionsV2));
        try {
            append.appendDataBatch((short) 0, 1, 1, 0L, new LogOffsetMetadata(17), 17, true);
        } catch (OutOfOrderSequenceException e) {
            return e;
        }
        throw new AssertionError("the broker took batch 1 before batch 0");
    }

    @Test
    void everyOtherAppendErrorAndTheSameRefusalElsewhereAreShown() {
        Logger broker = context.getLogger(RetriedAppendFilter.LOGGER);
        broker.error(APPEND, new OutOfOrderSequenceException(GAP));
        broker.error(APPEND, new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
        context.getLogger("dev.notifier.sender.SenderWorker").error("status not written",
                new OutOfOrderSequenceException(NO_STATE));

        assertThat(shown.list).extracting(e -> e.getThrowableProxy().getMessage())
                .containsExactly(GAP, "The producer attempted a transactional operation in an invalid state.", NO_STATE);
    }
}
