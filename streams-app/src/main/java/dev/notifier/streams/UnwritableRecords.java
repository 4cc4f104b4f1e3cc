package dev.notifier.streams;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams app's production exception handler: what happens when a record the topology
 * produced cannot be written. A failure that belongs to the record itself — too large for the
 * topic, refused by the broker as invalid, or not serializable — is logged (topic, key, size, and
 * the input record it came from) and the record is dropped, so that one event cannot stop the app
 * on every restart, the same event failing the same write each time. Every other failure
 * (authorization, a missing topic, time-outs) says nothing about the record and stops the app, as
 * Kafka Streams' default does: the supervisor restarts it once the cause is fixed.
 *
 * <p>The topology keeps records within bounds before they get here (events at
 * {@code maxEventBytes}, rendered mail at {@code render.MailSize}), so this is the last line, not
 * the rule: a drop here is an ERROR line to act on.
 */
public final class UnwritableRecords implements ProductionExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(UnwritableRecords.class);

  @Override
  public void configure(Map<String, ?> configs) {
    // nothing to configure
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
    if (!(e instanceof RecordTooLargeException || e instanceof InvalidRecordException)) {
      return Response.fail();
    }
    LOG.error("dropped a record the broker refused ({}): {} to {}, from {}-{}@{}; the app goes on. If the record "
        + "was too large, raise the topic's max.message.bytes or find why the input made it so large",
        e.getMessage(), describe(record), record.topic(), context.topic(), context.partition(), context.offset());
    return Response.resume();
  }

  @Override
  public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception e,
      SerializationExceptionOrigin origin) {
    LOG.error("dropped a record whose {} cannot be serialized ({}) for {}, from {}-{}@{}; the app goes on",
        origin == SerializationExceptionOrigin.KEY ? "key" : "value", e.getMessage(), record.topic(),
        context.topic(), context.partition(), context.offset());
    return Response.resume();
  }

  private static String describe(ProducerRecord<byte[], byte[]> record) {
    int size = record.value() == null ? 0 : record.value().length;
    String key = record.key() == null ? "no key" : "key " + new String(record.key(),
        java.nio.charset.StandardCharsets.UTF_8);
    return key + ", " + size + " bytes";
  }
}
