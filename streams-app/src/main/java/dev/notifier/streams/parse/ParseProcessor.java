package dev.notifier.streams.parse;

import dev.notifier.avro.DomainEvent;
import dev.notifier.schemas.InvalidRecordException;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryUnavailableException;
import dev.notifier.streams.metrics.TopologyMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses each event. A record that cannot be parsed is forwarded as invalid with the reason in
 * headers ({@value #REASON_HEADER}, {@value #MESSAGE_HEADER}), so it lands on the invalid topic
 * and the stream goes on with the next record.
 *
 * <p>Events are keyed by event id: that is what brings a re-delivered event to the partition, and
 * so to the dedup store, where its first copy was processed. An event keyed otherwise is still
 * processed — nothing is lost — and counted ({@value TopologyMetrics#EVENTS_KEYED_OTHERWISE}, with
 * one warning per task), because a copy of it published under another key could be mailed twice. Parsed events
 * are counted by type, invalid ones by reason ({@link TopologyMetrics}).
 */
public final class ParseProcessor implements FixedKeyProcessor<String, byte[], ParseResult> {

  public static final String REASON_HEADER = "notifier.error.reason";
  public static final String MESSAGE_HEADER = "notifier.error.message";
  public static final String STAGE_HEADER = "notifier.error.stage";

  private static final Logger LOG = LoggerFactory.getLogger(ParseProcessor.class);
  /** How long the stream waits before it reads again an event whose schema the registry could not give. */
  static final long RETRY_PAUSE_MS = 1_000;

  private final EventParser parser;
  private final TopologyMetrics metrics;
  private FixedKeyProcessorContext<String, ParseResult> context;
  private boolean warned;

  public ParseProcessor(int maxEventBytes, TopologyMetrics metrics) {
    this(maxEventBytes, null, metrics);
  }

  /** @param registry the schema registry of events in its wire format; null when none is configured */
  public ParseProcessor(int maxEventBytes, RegistryClient registry, TopologyMetrics metrics) {
    this.parser = new EventParser(maxEventBytes, registry);
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ParseResult> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    try {
      DomainEvent event;
      try {
        event = parser.parse(record.value(), record.headers());
      } catch (RegistryUnavailableException e) {
        // not invalid: unreadable until the registry answers. The task stops here without committing, its
        // thread is replaced (StreamsApp), and the record is read again from the last commit — never filed
        // as invalid, never skipped. The pause keeps the retries a second apart.
        LOG.warn("event at {}: {}; the stream waits for the registry and reads it again", context.recordMetadata()
            .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("?"), e.getMessage());
        pause();
        throw e;
      }
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

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE_MS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
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
