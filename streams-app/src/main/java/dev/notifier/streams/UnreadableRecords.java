package dev.notifier.streams;

import dev.notifier.schemas.KafkaSchemaStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams app's deserialization exception handler: what happens when a record of the directory,
 * the feedback or the suppressions cannot be read. A record no schema explains is the record's fault:
 * it is logged and skipped, as Kafka Streams' {@link LogAndContinueExceptionHandler} does, so that it
 * cannot stop the app on every restart. A record of a newer release whose schema could not be read
 * from the schema topic ({@link KafkaSchemaStore.Unavailable}) is not: skipping it would lose a
 * suppression, and mail its address, for a moment's trouble with one topic. That stops the app
 * instead, naming the topic; its supervisor restarts it and the record is read again.
 */
public final class UnreadableRecords extends LogAndContinueExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(UnreadableRecords.class);

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
      Exception exception) {
    KafkaSchemaStore.Unavailable unavailable = schemaUnavailable(exception);
    if (unavailable == null) {
      return super.handleError(context, record, exception);
    }
    LOG.error("stopping: a record of {}-{}@{} was written with a schema this release does not ship, and {}; it is "
        + "not skipped (it may be a suppression). Check that the schema topic exists and that this app may read it, "
        + "then restart", record.topic(), record.partition(), record.offset(), unavailable.getMessage());
    return Response.fail();
  }

  private static KafkaSchemaStore.Unavailable schemaUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KafkaSchemaStore.Unavailable u) {
        return u;
      }
    }
    return null;
  }
}
