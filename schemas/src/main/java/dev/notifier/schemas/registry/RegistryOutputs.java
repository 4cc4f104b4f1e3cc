package dev.notifier.schemas.registry;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The topics analysts read — the send topic (the notifications), the status topic (the ledger) and
 * the dead-letter topic — in the schema registry's wire format, for registry-aware tools
 * (kafka-avro-console-consumer, Kafka UIs, python's AvroDeserializer): {@link #writing} gives a
 * catalogue whose three topics are written in the wire format, each under subject
 * {@code <topic>-value} (TopicNameStrategy), by every writer of them — the streams app, the sender
 * worker, a replay — so each topic holds one format; {@link #reading} one whose three topics read both
 * formats, for the tools that only read them ({@code notifier status}, {@code notifier dlt list}). Statuses and
 * dead letters in single-object encoding are read as the catalogue given reads them, so one from
 * {@link Topics#readingNewer} still reads a newer release's through the schema topic.
 *
 * <p>The retry and wait tiers ({@code notifier.send.retry.N}, {@code notifier.send.wait.*}) are not
 * among them: the workers alone write and read them, so they stay in single-object encoding, which
 * needs no registry to be read back — a worker whose registry is down still retries the mail it holds.
 *
 * <p>The schema ids are settled when the catalogue is made — at start-up, not at the first record — so
 * a registry that lacks one of the notifier's schemas, with auto-registration off (the default: a
 * subject's schemas are a promise its owners make), stops start-up with the subject and the fix, and a
 * registry that does not answer stops it too, rather than every write failing later.
 */
public final class RegistryOutputs {

  private RegistryOutputs() {
  }

  /**
   * {@code topics} whose send, status and dead-letter topics are written as {@code settings.outputs}
   * says and read in both formats.
   */
  public static Topics writing(Topics topics, RegistryClient registry, RegistrySettings settings) {
    if (settings.outputFormat() == OutputFormat.SINGLE_OBJECT) {
      return reading(topics, registry);
    }
    List<String> problems = new ArrayList<>();
    RegistryEncoder<DeliveryStatus> statuses = encoder(registry, settings, topics.status(),
        DeliveryStatus.getClassSchema(), problems);
    RegistryEncoder<DeadLetter> deadLetters = encoder(registry, settings, topics.deadLetters(),
        DeadLetter.getClassSchema(), problems);
    RegistryEncoder<Notification> notifications = encoder(registry, settings, topics.send(),
        Notification.getClassSchema(), problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("streams.schemaRegistry.outputs is registry, but "
          + String.join("; ", problems));
    }
    return topics.withOutputValues(
        serde(Topics.notificationSerde(), registry, Notification.class, Notification.getClassSchema(), notifications),
        serde(topics.singleObjectStatuses(), registry, DeliveryStatus.class, DeliveryStatus.getClassSchema(), statuses),
        serde(topics.singleObjectDeadLetters(), registry, DeadLetter.class, DeadLetter.getClassSchema(), deadLetters));
  }

  /**
   * {@code topics} whose send, status and dead-letter topics read both formats and write Avro
   * single-object encoding.
   */
  public static Topics reading(Topics topics, RegistryClient registry) {
    return topics.withOutputValues(
        serde(Topics.notificationSerde(), registry, Notification.class, Notification.getClassSchema(), null),
        serde(topics.singleObjectStatuses(), registry, DeliveryStatus.class, DeliveryStatus.getClassSchema(), null),
        serde(topics.singleObjectDeadLetters(), registry, DeadLetter.class, DeadLetter.getClassSchema(), null));
  }

  /**
   * For a reader of the send, status or dead-letter topic: {@code topics} reading both formats when a
   * registry is configured ({@code settings} not null; credentials from the environment), unchanged otherwise.
   */
  public static Topics readingIfConfigured(Topics topics, RegistrySettings settings) {
    return settings == null ? topics : reading(topics, new RegistryClient(settings, System::getenv));
  }

  /**
   * For a writer of the send, status or dead-letter topic besides the streams app (the sender worker,
   * a replay): as {@link #writing} when a registry is configured ({@code settings} not null), {@code topics} otherwise.
   */
  public static Topics writingIfConfigured(Topics topics, RegistrySettings settings) {
    return settings == null ? topics : writing(topics, new RegistryClient(settings, System::getenv), settings);
  }

  /**
   * The encoder of {@code topic}'s values under its subject, its schema id settled now; when it
   * cannot be, what is wrong and the fix go to {@code problems}.
   */
  private static <T extends SpecificRecord> RegistryEncoder<T> encoder(RegistryClient registry,
      RegistrySettings settings, Topic<String, T> topic, Schema schema, List<String> problems) {
    String subject = RegistrySubjects.subject(topic);
    RegistryEncoder<T> encoder = new RegistryEncoder<>(registry, subject, schema, settings.autoRegister());
    try {
      encoder.schemaId();
    } catch (SchemaNotRegisteredException e) {
      problems.add(e.getMessage() + ": register the schema `notifier schemas --avsc " + schema.getName()
          + "` prints under subject " + subject + " (POST /subjects/" + subject + "/versions), "
          + "or set streams.schemaRegistry.autoRegister: true");
    } catch (RegistryUnavailableException | RegistryRefusedException e) {
      problems.add("the id of the " + schema.getName() + " schema under subject " + subject
          + " could not be settled: " + e.getMessage() + ". Start when the registry answers, "
          + "or set streams.schemaRegistry.outputs: single-object");
    }
    return encoder;
  }

  private static <T extends SpecificRecord> RegistryValueSerde<T> serde(AvroSerde<T> singleObject,
      RegistryClient registry, Class<T> type, Schema schema, RegistryEncoder<T> encoder) {
    return new RegistryValueSerde<>(singleObject, new RegistryDecoder<>(registry, type, schema), encoder);
  }
}
