package dev.notifier.cli.publish;

import dev.notifier.avro.DomainEvent;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.registry.RegistryEncoder;
import java.nio.charset.StandardCharsets;

/** How {@code notifier publish} writes an event: from the validated event and the line it came from. */
@FunctionalInterface
public interface EventEncoder {

  byte[] encode(DomainEvent event, String line);

  /** The line as given (it was validated against the schema). */
  static EventEncoder json() {
    return (event, line) -> line.getBytes(StandardCharsets.UTF_8);
  }

  /** Avro single-object encoding (C3 01, the schema's fingerprint, the body). */
  static EventEncoder avro() {
    AvroSerde<DomainEvent> serde = new AvroSerde<>(DomainEvent.class, DomainEvent.getClassSchema());
    return (event, line) -> serde.encode(event);
  }

  /** The Confluent wire format (0, the schema id under the events subject, the body). */
  static EventEncoder registry(RegistryEncoder<DomainEvent> encoder) {
    return (event, line) -> encoder.encode(event);
  }
}
