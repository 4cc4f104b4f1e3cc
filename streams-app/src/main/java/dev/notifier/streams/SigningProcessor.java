package dev.notifier.streams;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.integrity.Keyring;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The last step before the send topic when {@code integrity} signs: serializes the notification in the send
 * topic's format and signs its key and value bytes ({@link Keyring#sign}, header {@value Keyring#HEADER}), so the
 * signature covers exactly what the sink writes. The headers are copied first: the record's other branch (its
 * QUEUED status) keeps its own, and whatever {@value Keyring#HEADER} came in with the event is replaced.
 */
final class SigningProcessor implements FixedKeyProcessor<String, Notification, byte[]> {

  private final String topic;
  private final Serializer<String> keys;
  private final Serializer<Notification> values;
  private final Keyring integrity;
  private FixedKeyProcessorContext<String, byte[]> context;

  SigningProcessor(Topic<String, Notification> send, Keyring integrity) {
    this.topic = send.name();
    this.keys = send.keySerde().serializer();
    this.values = send.valueSerde().serializer();
    this.integrity = integrity;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, Notification> record) {
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    byte[] value = values.serialize(topic, headers, record.value());
    integrity.sign(headers, keys.serialize(topic, headers, record.key()), value);
    context.forward(record.withValue(value).withHeaders(headers));
  }
}
