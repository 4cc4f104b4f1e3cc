package dev.notifier.schemas.registry;

import dev.notifier.avro.DeliveryStatus;
import dev.notifier.schemas.Topics;

/**
 * The status topic in the schema registry's wire format, for analysts' registry-aware tools
 * (kafka-avro-console-consumer, Kafka UIs, python's AvroDeserializer): {@link #writing} gives a
 * catalogue whose status topic is written in the wire format, under subject {@code <topic>-value}
 * (TopicNameStrategy), by every writer of the ledger — the streams app, the sender worker, a replay —
 * so the topic holds one format; {@link #reading} one whose status topic reads both formats, for the
 * tools that only read it ({@code notifier status}).
 *
 * <p>The schema id is settled when the catalogue is made — at start-up, not at the first status — so a
 * registry that lacks the notifier's schema, with auto-registration off (the default: a subject's
 * schemas are a promise its owners make), stops start-up with the subject and the fix, and a registry
 * that does not answer stops it too, rather than every status write failing later.
 */
public final class RegistryOutputs {

  private RegistryOutputs() {
  }

  /** {@code topics} whose status topic is written as {@code settings.outputs} says and read in both formats. */
  public static Topics writing(Topics topics, RegistryClient registry, RegistrySettings settings) {
    if (settings.outputFormat() == OutputFormat.SINGLE_OBJECT) {
      return reading(topics, registry);
    }
    String subject = RegistrySubjects.subject(topics.status());
    RegistryEncoder<DeliveryStatus> encoder = new RegistryEncoder<>(registry, subject,
        DeliveryStatus.getClassSchema(), settings.autoRegister());
    try {
      encoder.schemaId();
    } catch (SchemaNotRegisteredException e) {
      throw new IllegalArgumentException("streams.schemaRegistry.outputs is registry, but " + e.getMessage()
          + ": register the schema `notifier schemas --avsc DeliveryStatus` prints under subject " + subject
          + " (POST /subjects/" + subject + "/versions), or set streams.schemaRegistry.autoRegister: true", e);
    } catch (RegistryUnavailableException | RegistryRefusedException e) {
      throw new IllegalArgumentException("streams.schemaRegistry.outputs is registry, but the id of the status "
          + "schema under subject " + subject + " could not be settled: " + e.getMessage() + ". Start when the "
          + "registry answers, or set streams.schemaRegistry.outputs: single-object", e);
    }
    return topics.withStatusValues(new RegistryValueSerde<>(Topics.statusSerde(), decoder(registry), encoder));
  }

  /** {@code topics} whose status topic reads both formats and writes Avro single-object encoding. */
  public static Topics reading(Topics topics, RegistryClient registry) {
    return topics.withStatusValues(new RegistryValueSerde<>(Topics.statusSerde(), decoder(registry), null));
  }

  /**
   * For a reader of the status topic: {@code topics} reading both formats when a registry is configured
   * ({@code settings} not null; credentials from the environment), unchanged otherwise.
   */
  public static Topics readingIfConfigured(Topics topics, RegistrySettings settings) {
    return settings == null ? topics : reading(topics, new RegistryClient(settings, System::getenv));
  }

  /**
   * For a writer of the status topic besides the streams app (the sender worker, a replay): as
   * {@link #writing} when a registry is configured ({@code settings} not null), {@code topics} otherwise.
   */
  public static Topics writingIfConfigured(Topics topics, RegistrySettings settings) {
    return settings == null ? topics : writing(topics, new RegistryClient(settings, System::getenv), settings);
  }

  private static RegistryDecoder<DeliveryStatus> decoder(RegistryClient registry) {
    return new RegistryDecoder<>(registry, DeliveryStatus.class, DeliveryStatus.getClassSchema());
  }
}
