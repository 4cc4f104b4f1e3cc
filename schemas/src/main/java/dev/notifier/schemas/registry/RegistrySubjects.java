package dev.notifier.schemas.registry;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Feedback;
import dev.notifier.avro.Group;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Suppression;
import dev.notifier.avro.User;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The registry subjects of the notifier's topics, named by Confluent's TopicNameStrategy
 * ({@code <topic>-value}), with the schema the notifier reads or writes there. Listed: what upstream
 * systems write and the notifier reads (events, the user and group directories), then what the
 * notifier writes and people or other systems read (send, status, dead letters, feedback,
 * suppressions). The retry and wait tiers and the quota usage topic are the notifier's own plumbing
 * and have no subject.
 */
public final class RegistrySubjects {

  /** One subject: its topic, the schema the notifier uses there, and whether it reads or writes it. */
  public record Entry(String topic, String subject, Schema schema, boolean notifierWrites) {
  }

  private RegistrySubjects() {
  }

  /** The subject of a topic's values under TopicNameStrategy. */
  public static String subject(Topic<?, ?> topic) {
    return topic.name() + "-value";
  }

  public static List<Entry> of(Topics topics) {
    return List.of(
        entry(topics.events(), DomainEvent.getClassSchema(), false),
        entry(topics.users(), User.getClassSchema(), false),
        entry(topics.groups(), Group.getClassSchema(), false),
        entry(topics.send(), Notification.getClassSchema(), true),
        entry(topics.status(), DeliveryStatus.getClassSchema(), true),
        entry(topics.deadLetters(), DeadLetter.getClassSchema(), true),
        entry(topics.feedback(), Feedback.getClassSchema(), true),
        entry(topics.suppressions(), Suppression.getClassSchema(), true));
  }

  private static Entry entry(Topic<?, ?> topic, Schema schema, boolean writes) {
    return new Entry(topic.name(), subject(topic), schema, writes);
  }
}
