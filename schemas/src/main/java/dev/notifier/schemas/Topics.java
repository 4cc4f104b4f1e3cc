package dev.notifier.schemas;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Feedback;
import dev.notifier.avro.Group;
import dev.notifier.avro.Notification;
import dev.notifier.avro.QuotaUsage;
import dev.notifier.avro.Suppression;
import java.time.Duration;
import dev.notifier.avro.User;
import java.util.List;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The catalogue of notifier's topics (see DESIGN.md, Topics). Every name can be prefixed, so that
 * several environments share one cluster ({@code staging.notifier.events}). Each topic and its
 * serdes are built once per catalogue (Avro serdes hold schema fingerprints and are thread-safe), so
 * asking for a topic on a hot path costs nothing.
 *
 * <p>Each topic also has a {@link TopicSpec}: the configs the code depends on, which every topic is
 * created with and an existing topic is verified against ({@code notifier topics}, and the streams
 * app and the worker at start-up). They are few, and each is there for a reason a reader of this
 * class can check:
 * <ul>
 *   <li>{@code cleanup.policy}, always explicit: {@code compact} for the topics that hold the latest
 *       value per key ({@link #compacted()}: the directory, the ledger, the schemas, the suppressions), {@code delete}
 *       for the others, whose every record is a message or an event that must not be merged away;
 *   <li>the usage topic keeps its records by time only, at least {@link #USAGE_RETENTION}
 *       ({@code retention.ms} at least that, {@code retention.bytes} unlimited): every worker counts
 *       a day of it for the per-day quotas, and a retention shorter than a day and a bit forgets sends
 *       the provider still counts.
 * </ul>
 * No compaction tuning ({@code min.compaction.lag.ms} and the like) is required: readers of the
 * compacted topics want the latest value only. Retention of the other topics is the cluster's default.
 */
public final class Topics {

  private final String prefix;
  private final Topic<String, User> users;
  private final Topic<String, Group> groups;
  private final Topic<String, Notification> send;
  private final List<Topic<String, Notification>> retries;
  private final List<Topic<String, Notification>> waits;
  private final Topic<String, QuotaUsage> usage;
  private final Topic<String, String> schemas;
  private final Topic<String, DeadLetter> deadLetters;
  private final Topic<String, DeliveryStatus> status;
  private final Topic<String, String> audit;
  private final Topic<String, Feedback> feedback;
  private final Topic<String, Suppression> suppressions;
  private final SchemaStore newer;
  private final Serde<Notification> sendValues;
  private final Serde<DeliveryStatus> statusValues;
  private final Serde<DeadLetter> deadLetterValues;

  private Topics(String prefix, Serde<Notification> sendValues, Serde<DeliveryStatus> statusValues,
      Serde<DeadLetter> deadLetterValues, SchemaStore newer) {
    this.prefix = prefix;
    this.newer = newer;
    this.sendValues = sendValues;
    this.statusValues = statusValues;
    this.deadLetterValues = deadLetterValues;
    this.users = new Topic<>(prefix + "notifier.users", Serdes.String(), Serdes.serdeFrom(
        new AvroSerde<>(User.class, User.getClassSchema()).serializer(), DirectoryDeserializers.users()));
    this.groups = new Topic<>(prefix + "notifier.groups", Serdes.String(), Serdes.serdeFrom(
        new AvroSerde<>(Group.class, Group.getClassSchema()).serializer(), DirectoryDeserializers.groups()));
    // the retry and wait tiers are the workers' own: always single-object, whatever the send topic's format
    Serde<Notification> notifications = notificationSerde();
    this.send = new Topic<>(prefix + "notifier.send", Serdes.String(), sendValues == null ? notifications : sendValues);
    List<Topic<String, Notification>> tiers = new java.util.ArrayList<>();
    for (int tier = 1; tier <= RETRY_TIERS; tier++) {
      tiers.add(new Topic<>(prefix + "notifier.send.retry." + tier, Serdes.String(), notifications));
    }
    this.retries = List.copyOf(tiers);
    this.waits = WAIT_TIERS.stream().map(delay -> new Topic<>(prefix + "notifier.send.wait." + tierName(delay),
        Serdes.String(), notifications)).toList();
    this.deadLetters = new Topic<>(prefix + "notifier.send.dlt", Serdes.String(),
        deadLetterValues == null ? deadLetterSerde(newer) : deadLetterValues);
    this.status = new Topic<>(prefix + "notifier.status", Serdes.String(),
        statusValues == null ? statusSerde(newer) : statusValues);
    this.usage = new Topic<>(prefix + "notifier.send.usage", Serdes.String(),
        new AvroSerde<>(QuotaUsage.class, QuotaUsage.getClassSchema()));
    this.schemas = new Topic<>(prefix + "notifier.schemas", Serdes.String(), Serdes.String());
    this.audit = new Topic<>(prefix + "notifier.audit", Serdes.String(), Serdes.String());
    this.feedback = new Topic<>(prefix + "notifier.feedback", Serdes.String(),
        AvroSerde.withHistory(Feedback.class, Feedback.getClassSchema(), newer));
    this.suppressions = new Topic<>(prefix + "notifier.suppressions", Serdes.String(),
        AvroSerde.withHistory(Suppression.class, Suppression.getClassSchema(), newer));
  }

  /** The default names, with no prefix. */
  public static Topics standard() {
    return new Topics("", null, null, null, null);
  }

  /** Names prefixed by {@code prefix}, which must be empty or end with a dot, dash or underscore. */
  public static Topics withPrefix(String prefix) {
    if (!prefix.isEmpty() && !prefix.matches("[A-Za-z0-9._-]*[._-]")) {
      throw new IllegalArgumentException("topic prefix '" + prefix
          + "' is invalid: use letters, digits, '.', '_' or '-', ending with '.', '_' or '-' (e.g. 'staging.')");
    }
    return new Topics(prefix, null, null, null, null);
  }

  /**
   * This catalogue with other value serdes for the three topics analysts read — the send topic, the
   * status topic and the dead-letter topic: ones that also read (and perhaps write) the schema
   * registry's wire format ({@link dev.notifier.schemas.registry.RegistryOutputs}). The retry and
   * wait tiers keep {@link #notificationSerde()}: they are the workers' internal topics, which no
   * analyst reads, and single-object encoding needs no registry to read them back.
   */
  public Topics withOutputValues(Serde<Notification> sendValues, Serde<DeliveryStatus> statusValues,
      Serde<DeadLetter> deadLetterValues) {
    return new Topics(prefix, sendValues, statusValues, deadLetterValues, newer);
  }

  /**
   * This catalogue with feedback, suppressions, and (in Avro single-object encoding) statuses and
   * dead letters read whatever release wrote them: a writer schema neither current nor shipped
   * before (a newer release's, which every writer publishes to the schema topic before its first
   * record) is looked up by its fingerprint in {@code newer}. Without this, a suppression written by
   * a newer {@code notifier suppressions add}, worker or bounce reader could not be read by an older
   * topology, which would skip the record and mail the address, nor by an older operator tool.
   */
  public Topics readingNewer(SchemaStore newer) {
    return new Topics(prefix, sendValues, statusValues, deadLetterValues, newer);
  }

  /**
   * Statuses in Avro single-object encoding as this catalogue reads them: every shipped version, and a
   * newer release's through the store {@link #readingNewer} gave (for a serde that also reads another
   * format and falls back to this one).
   */
  public AvroSerde<DeliveryStatus> singleObjectStatuses() {
    return statusSerde(newer);
  }

  /** Dead letters in Avro single-object encoding as this catalogue reads them; see {@link #singleObjectStatuses}. */
  public AvroSerde<DeadLetter> singleObjectDeadLetters() {
    return deadLetterSerde(newer);
  }

  private static AvroSerde<DeliveryStatus> statusSerde(SchemaStore newer) {
    return AvroSerde.withHistory(DeliveryStatus.class, DeliveryStatus.getClassSchema(), newer);
  }

  private static AvroSerde<DeadLetter> deadLetterSerde(SchemaStore newer) {
    return AvroSerde.withHistory(DeadLetter.class, DeadLetter.getClassSchema(), newer);
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

  /**
   * The notifications to send, written by the streams app (and replays), read by the workers: Avro
   * single-object encoding, or the schema registry's wire format with
   * {@code streams.schemaRegistry.outputs: registry} (see {@link #withOutputValues}).
   */
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

  /**
   * The delays of the wait tiers, shortest first. Mail held back without a failed attempt (its
   * account's breaker is open, its quota used up, its backlog full, or handed over on a rebalance)
   * waits in the tier of the longest delay not above what is left of its wait, and hops to shorter
   * tiers until it is due. Every record of one tier waits the same delay, so a tier's records come
   * due in the order they were written and pausing a partition until its head is due never holds
   * back a record that is due sooner: one account's mail deferred until tomorrow never delays
   * another account's mail deferred for 30 s.
   */
  public static final List<Duration> WAIT_TIERS = List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(5),
      Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(6));

  /** The wait tiers, in the order of {@link #WAIT_TIERS}. */
  public List<Topic<String, Notification>> waitTiers() {
    return waits;
  }

  /** Index into {@link #WAIT_TIERS} of the longest delay not above {@code wait} (0 for no wait). */
  public static int waitTierFor(Duration wait) {
    int tier = 0;
    for (int i = 0; i < WAIT_TIERS.size(); i++) {
      if (WAIT_TIERS.get(i).compareTo(wait) <= 0) {
        tier = i;
      }
    }
    return tier;
  }

  private static String tierName(Duration delay) {
    long s = delay.toSeconds();
    return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }

  /**
   * The retry tiers and the wait tiers: every topic a worker reads besides the send topic. The workers
   * alone write and read them, always in Avro single-object encoding, whatever format the send topic has.
   */
  public List<Topic<String, Notification>> retryTopics() {
    List<Topic<String, Notification>> all = new java.util.ArrayList<>(retries);
    all.addAll(waits);
    return all;
  }

  /** How long the usage topic must keep its records, at the least: a day of counting, and a day to spare. */
  public static final Duration USAGE_RETENTION = Duration.ofDays(2);

  /**
   * One record per message an account with a per-minute or per-day quota had accepted: every
   * worker reads it to count the account's quota as the provider does, across workers, restarts and
   * rebalances. Keeps its records for at least {@link #USAGE_RETENTION}.
   */
  public Topic<String, QuotaUsage> usage() {
    return usage;
  }

  /** Avro writer schemas by fingerprint (compacted): see {@link KafkaSchemaStore}. */
  public Topic<String, String> schemas() {
    return schemas;
  }

  public Topic<String, DeadLetter> deadLetters() {
    return deadLetters;
  }

  public Topic<String, DeliveryStatus> status() {
    return status;
  }

  /** How long the audit topic must keep its records, at the least. */
  public static final Duration AUDIT_RETENTION = Duration.ofDays(400);

  /**
   * Who did what to notifications by hand (a replay, and its reason), one JSON record per
   * notification acted on, written in the same transaction as the act; keyed by notification id.
   * Keeps its records for at least {@link #AUDIT_RETENTION}.
   */
  public Topic<String, String> audit() {
    return audit;
  }

  /**
   * Bounces, complaints and unsubscribes, normalised, keyed by address: from the workers' own
   * rejections, the bounce mailbox and provider webhooks. The streams app's feedback policy turns
   * them into {@link #suppressions()}.
   */
  public Topic<String, Feedback> feedback() {
    return feedback;
  }

  /**
   * The addresses not to mail (compacted), keyed by normalised address; a tombstone lifts a
   * suppression. Read by the topology as a global table.
   */
  public Topic<String, Suppression> suppressions() {
    return suppressions;
  }

  /** Every topic the product needs, for the topic-creation tools. */
  public List<Topic<?, ?>> all() {
    List<Topic<?, ?>> all = new java.util.ArrayList<>(List.of(events(), invalidEvents(), users(), groups(), send()));
    all.addAll(retryTopics());
    all.addAll(List.of(deadLetters(), status(), usage(), schemas(), audit(), feedback(), suppressions()));
    return all;
  }

  /** The topics that hold the latest value per key and must be compacted. */
  public List<Topic<?, ?>> compacted() {
    return List.of(users(), groups(), status(), schemas(), suppressions());
  }

  /** Whether {@code topic} keeps only the latest value per key (compared by name). */
  public boolean isCompacted(Topic<?, ?> topic) {
    return compacted().stream().anyMatch(t -> t.name().equals(topic.name()));
  }

  /** What every topic of {@link #all()} needs of the cluster, in the same order (see the class comment). */
  public List<TopicSpec> specs() {
    return all().stream().map(this::spec).toList();
  }

  /** What {@code topic} needs of the cluster: its cleanup policy, and the usage topic its retention. */
  public TopicSpec spec(Topic<?, ?> topic) {
    List<RequiredConfig> configs = new java.util.ArrayList<>();
    configs.add(RequiredConfig.exactly("cleanup.policy", isCompacted(topic) ? "compact" : "delete"));
    if (topic.name().equals(usage.name())) {
      configs.add(RequiredConfig.atLeast("retention.ms", USAGE_RETENTION.toMillis()));
      configs.add(RequiredConfig.atLeast("retention.bytes", -1));
    }
    if (topic.name().equals(audit.name())) {
      configs.add(RequiredConfig.atLeast("retention.ms", AUDIT_RETENTION.toMillis()));
      configs.add(RequiredConfig.atLeast("retention.bytes", -1));
    }
    boolean tier = retryTopics().stream().anyMatch(t -> t.name().equals(topic.name()));
    return new TopicSpec(topic.name(), configs, tier);
  }

  /**
   * Notifications in Avro single-object encoding, the current schema; reads every shipped version too
   * ({@link SchemaHistory}). The retry and wait tiers always use it; the send topic too unless
   * {@link #withOutputValues} gave it another.
   */
  public static AvroSerde<Notification> notificationSerde() {
    return AvroSerde.withHistory(Notification.class, Notification.getClassSchema(), null);
  }
}
