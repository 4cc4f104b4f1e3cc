package dev.notifier.streams.parse;

import dev.notifier.avro.DomainEvent;
import dev.notifier.schemas.InvalidRecordException;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryUnavailableException;
import dev.notifier.streams.metrics.TopologyMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses each event. A record that cannot be parsed is forwarded as invalid with the reason in
 * headers ({@value #REASON_HEADER}, {@value #MESSAGE_HEADER}), so it lands on the invalid topic
 * and the stream goes on with the next record.
 *
 * <p>An event in a schema registry's format whose schema the registry cannot give (it does not
 * answer) is not invalid: it is parked ({@link ParkedEvents}, changelogged, in the transaction that
 * commits its offset) and parsed again every {@link #RETRY_EVERY} until the registry answers — the
 * stream meanwhile goes on with every other event, and a parked one is never filed invalid.
 *
 * <p>Events are keyed by event id: that is what brings a re-delivered event to the partition, and
 * so to the dedup store, where its first copy was processed. An event keyed otherwise is still
 * processed — nothing is lost — and counted ({@value TopologyMetrics#EVENTS_KEYED_OTHERWISE}, with
 * one warning per task), because a copy of it published under another key could be mailed twice. Parsed events
 * are counted by type, invalid ones by reason ({@link TopologyMetrics}).
 */
public final class ParseProcessor implements Processor<String, byte[], String, ParseResult> {

  public static final String REASON_HEADER = "notifier.error.reason";
  public static final String MESSAGE_HEADER = "notifier.error.message";
  public static final String STAGE_HEADER = "notifier.error.stage";
  /** The store of events waiting for the schema registry; connect it to this processor. */
  public static final String PARKED_STORE = ParkedEvents.STORE;
  /** How often parked events are tried again. */
  static final Duration RETRY_EVERY = Duration.ofSeconds(2);
  /** Parked events tried per retry; the rest wait for the next. */
  static final int RETRY_BATCH = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(ParseProcessor.class);

  private final EventParser parser;
  private final TopologyMetrics metrics;
  private final boolean registry;
  private ProcessorContext<String, ParseResult> context;
  private KeyValueStore<String, byte[]> parked;
  private boolean warned;
  private boolean waitingLogged;

  public ParseProcessor(int maxEventBytes, TopologyMetrics metrics) {
    this(maxEventBytes, null, metrics);
  }

  /**
   * @param registry the schema registry of events in its wire format; null when none is configured
   */
  public ParseProcessor(int maxEventBytes, RegistryClient registry, TopologyMetrics metrics) {
    this.parser = new EventParser(maxEventBytes, registry);
    this.metrics = metrics;
    this.registry = registry != null;
  }

  public static org.apache.kafka.streams.state.StoreBuilder<KeyValueStore<String, byte[]>> parkedStoreBuilder() {
    return ParkedEvents.storeBuilder();
  }

  @Override
  public void init(ProcessorContext<String, ParseResult> context) {
    this.context = context;
    this.parked = context.getStateStore(PARKED_STORE);
    if (registry) {
      context.schedule(RETRY_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> retryParked());
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      parseAndForward(record);
    } catch (RegistryUnavailableException e) {
      String at = context.recordMetadata().map(m -> ParkedEvents.position(m.partition(), m.offset()))
          .orElse(ParkedEvents.position(0, System.nanoTime()));
      parked.put(at, ParkedEvents.encode(new ParkedEvents.Parked(record.key(), record.value(), record.headers(),
          record.timestamp())));
      if (!waitingLogged) {
        waitingLogged = true;
        LOG.warn("{}; events in the registry's format wait in this task (store {}) and are read again every {} s, "
            + "none is filed invalid", e.getMessage(), PARKED_STORE, RETRY_EVERY.toSeconds());
      }
    }
  }

  private void parseAndForward(Record<String, byte[]> record) {
    try {
      DomainEvent event = parser.parse(record.value(), record.headers());
      metrics.eventIn(event.getType());
      if (!Objects.equals(record.key(), event.getEventId())) {
        keyedOtherwise(record.key(), event.getEventId());
      }
      context.forward(record.withValue(ParseResult.parsed(event)));
    } catch (InvalidRecordException e) {
      metrics.invalid(e.reason());
      record.headers().remove(REASON_HEADER).remove(MESSAGE_HEADER).remove(STAGE_HEADER)
          .add(REASON_HEADER, utf8(e.reason()))
          .add(MESSAGE_HEADER, utf8(e.getMessage()))
          .add(STAGE_HEADER, utf8("parse"));
      context.forward(record.withValue(ParseResult.invalid(record.value(), e.reason(), e.getMessage())));
    }
  }

  /** Parses the parked events again, oldest first; stops at the first the registry still cannot give. */
  private void retryParked() {
    int tried = 0;
    try (KeyValueIterator<String, byte[]> it = parked.all()) {
      while (it.hasNext() && tried++ < RETRY_BATCH) {
        KeyValue<String, byte[]> entry = it.next();
        ParkedEvents.Parked p = ParkedEvents.decode(entry.value);
        Headers headers = p.headers();
        try {
          parseAndForward(new Record<>(p.key(), p.value(), p.timestamp(), headers));
        } catch (RegistryUnavailableException still) {
          return;
        }
        parked.delete(entry.key);
      }
    }
    if (tried > 0 && waitingLogged) {
      waitingLogged = false;
      LOG.info("the schema registry answers again: parked events read");
    }
  }

  private void keyedOtherwise(String key, String eventId) {
    metrics.keyedOtherwise();
    if (!warned) {
      warned = true;
      LOG.warn("event {} arrived with record key {} (task {}): events must be keyed by their event id so that a "
          + "re-delivered copy is recognised as a duplicate; fix the producer's key (this warning is shown once per "
          + "task; metric {} counts them all)", eventId, key, context.taskId(), TopologyMetrics.EVENTS_KEYED_OTHERWISE);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
