package dev.notifier.schemas;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Group;
import dev.notifier.avro.Notification;
import dev.notifier.avro.User;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The catalogue of notifier's topics (see DESIGN.md, Topics). Every name can be prefixed, so that
 * several environments share one cluster ({@code staging.notifier.events}). Each topic and its
 * serdes are built once per catalogue (Avro serdes hold schema fingerprints and are thread-safe), so
 * asking for a topic on a hot path costs nothing.
 */
public final class Topics {

  private final String prefix;
  private final Topic<String, User> users;
  private final Topic<String, Group> groups;
  private final Topic<String, Notification> send;
  private final List<Topic<String, Notification>> retries;
  private final Topic<String, Notification> retryWait;
  private final Topic<String, DeadLetter> deadLetters;
  private final Topic<String, DeliveryStatus> status;

  private Topics(String prefix) {
    this.prefix = prefix;
    this.users = new Topic<>(prefix + "notifier.users", Serdes.String(), Serdes.serdeFrom(
        new AvroSerde<>(User.class, User.getClassSchema()).serializer(), DirectoryDeserializers.users()));
    this.groups = new Topic<>(prefix + "notifier.groups", Serdes.String(), Serdes.serdeFrom(
        new AvroSerde<>(Group.class, Group.getClassSchema()).serializer(), DirectoryDeserializers.groups()));
    Serde<Notification> notifications = notificationSerde();
    this.send = new Topic<>(prefix + "notifier.send", Serdes.String(), notifications);
    List<Topic<String, Notification>> tiers = new java.util.ArrayList<>();
    for (int tier = 1; tier <= RETRY_TIERS; tier++) {
      tiers.add(new Topic<>(prefix + "notifier.send.retry." + tier, Serdes.String(), notifications));
    }
    this.retries = List.copyOf(tiers);
    this.retryWait = new Topic<>(prefix + "notifier.send.retry.wait", Serdes.String(), notifications);
    this.deadLetters = new Topic<>(prefix + "notifier.send.dlt", Serdes.String(),
        new AvroSerde<>(DeadLetter.class, DeadLetter.getClassSchema()));
    this.status = new Topic<>(prefix + "notifier.status", Serdes.String(),
        new AvroSerde<>(DeliveryStatus.class, DeliveryStatus.getClassSchema()));
  }

  /** The default names, with no prefix. */
  public static Topics standard() {
    return new Topics("");
  }

  /** Names prefixed by {@code prefix}, which must be empty or end with a dot, dash or underscore. */
  public static Topics withPrefix(String prefix) {
    if (!prefix.isEmpty() && !prefix.matches("[A-Za-z0-9._-]*[._-]")) {
      throw new IllegalArgumentException("topic prefix '" + prefix
          + "' is invalid: use letters, digits, '.', '_' or '-', ending with '.', '_' or '-' (e.g. 'staging.')");
    }
    return new Topics(prefix);
  }

  public String prefix() {
    return prefix;
  }

  /** Domain events as published upstream: Avro single-object or JSON bytes, parsed by the topology. */
  public Topic<String, byte[]> events() {
    return new Topic<>(prefix + "notifier.events", Serdes.String(), Serdes.ByteArray());
  }

  /** Records that could not be parsed or validated, as received, with the reason in headers. */
  public Topic<String, byte[]> invalidEvents() {
    return new Topic<>(prefix + "notifier.events.invalid", Serdes.String(), Serdes.ByteArray());
  }

  public Topic<String, User> users() {
    return users;
  }

  public Topic<String, Group> groups() {
    return groups;
  }

  public Topic<String, Notification> send() {
    return send;
  }

  /** How many retry tiers there are: failed attempt n waits in tier min(n, RETRY_TIERS). */
  public static final int RETRY_TIERS = 5;

  /**
   * Retry tier {@code n} (1..{@value #RETRY_TIERS}) holds notifications after their n-th failed
   * attempt (the last tier also every later one), each with its due time in a header. One tier per
   * attempt keeps the delays within a topic alike, so its records come due nearly in order and a
   * worker can pause a tier's partition until its head is due.
   */
  public Topic<String, Notification> retry(int tier) {
    if (tier < 1 || tier > RETRY_TIERS) {
      throw new IllegalArgumentException("retry tier " + tier + " does not exist: tiers are 1.." + RETRY_TIERS);
    }
    return retries.get(tier - 1);
  }

  /** Notifications held back without a failed attempt: their account's breaker is open or its backlog full. */
  public Topic<String, Notification> retryWait() {
    return retryWait;
  }

  /** The retry tiers and the wait topic. */
  public List<Topic<String, Notification>> retryTopics() {
    List<Topic<String, Notification>> all = new java.util.ArrayList<>(retries);
    all.add(retryWait);
    return all;
  }

  public Topic<String, DeadLetter> deadLetters() {
    return deadLetters;
  }

  public Topic<String, DeliveryStatus> status() {
    return status;
  }

  /** Every topic the product needs, for the topic-creation tools. */
  public List<Topic<?, ?>> all() {
    List<Topic<?, ?>> all = new java.util.ArrayList<>(List.of(events(), invalidEvents(), users(), groups(), send()));
    all.addAll(retryTopics());
    all.addAll(List.of(deadLetters(), status()));
    return all;
  }

  /** The topics that hold the latest value per key and must be compacted. */
  public List<Topic<?, ?>> compacted() {
    return List.of(users(), groups(), status());
  }

  /** Whether {@code topic} keeps only the latest value per key (compared by name). */
  public boolean isCompacted(Topic<?, ?> topic) {
    return compacted().stream().anyMatch(t -> t.name().equals(topic.name()));
  }

  public static Serde<Notification> notificationSerde() {
    return new AvroSerde<>(Notification.class, Notification.getClassSchema());
  }
}
