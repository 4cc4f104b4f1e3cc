package dev.notifier.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.notifier.testkit.kafka.RetriedAppendFilter;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's logging without {@code --verbose}, over the shipped config: errors only, and not its embedded broker's
 * ERROR for an append that the producer retries ({@link RetriedAppendFilter}, whose own test makes the refusals with
 * the broker's code).
 */
class DemoLoggingTest {

  private static final String APPEND = "[ReplicaManager broker=1] Error processing append operation on partition t-2";
  private static final String NO_STATE = "Invalid sequence number for producer 0 at offset 17 in partition t-2: 1"
      + " (incoming seq. number). Expected sequence 0 for transactions v2 idempotent producer with no existing state.";

  private final LoggerContext context = new LoggerContext();
  private final ListAppender<ILoggingEvent> shown = new ListAppender<>();

  @BeforeEach
  void shippedConfigAsTheDemoSetsIt() throws Exception {
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(DemoLoggingTest.class.getResource("/logback.xml"));
    DemoCommand.logErrorsOnly(context);
    shown.setContext(context);
    shown.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(shown);
  }

  @Test
  void errorsOnlyAndNotTheBrokersRetriedAppends() {
    Logger broker = context.getLogger(RetriedAppendFilter.LOGGER);
    broker.error(APPEND, new OutOfOrderSequenceException(NO_STATE));
    broker.warn("a broker warning");
    context.getLogger("dev.notifier.streams.StreamsApp").info("started");
    context.getLogger("dev.notifier.sender.SenderWorker").error("status not written");

    assertThat(shown.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("status not written");
  }
}
