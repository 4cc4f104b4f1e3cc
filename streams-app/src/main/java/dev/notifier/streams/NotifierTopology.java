package dev.notifier.streams;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Group;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Suppression;
import dev.notifier.avro.User;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.streams.dedup.DedupProcessor;
import dev.notifier.streams.expand.GroupExpansion;
import dev.notifier.streams.expand.RecipientExpander;
import dev.notifier.streams.expand.RecipientPolicy;
import dev.notifier.streams.expand.SkipReason;
import dev.notifier.streams.feedback.FeedbackProcessor;
import dev.notifier.streams.suppress.SuppressionCheck;
import dev.notifier.streams.metrics.TopologyMetrics;
import dev.notifier.streams.parse.ParseProcessor;
import dev.notifier.streams.parse.ParseResult;
import dev.notifier.streams.policy.ClosedDigest;
import dev.notifier.streams.policy.LedgerEntry;
import dev.notifier.streams.policy.Policies;
import dev.notifier.streams.policy.PolicyOutcome;
import dev.notifier.streams.policy.PolicyProcessor;
import dev.notifier.streams.policy.PolicyStores;
import dev.notifier.streams.policy.Release;
import dev.notifier.streams.policy.ReleaseNow;
import dev.notifier.streams.render.DigestRendering;
import dev.notifier.streams.render.Rendering;
import dev.notifier.schemas.NotificationIds;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The notifier topology, in the order of DESIGN.md's flow: parse → expand (groups, then users)
 * → suppress → dedup → policy (digests, quiet hours, daily caps) → render → route → send. Mail that needs its
 * recipient's state crosses a repartition by recipient to the policy stage; the rest is released and
 * rendered in the event's own task ({@link Policies#needsRecipientState}). Skipped recipients,
 * policy decisions and queued notifications are written to the status topic; unparseable records
 * to the invalid topic. Beside it, the learn stage turns feedback into suppressions. {@link #buildTopology} is shared by the
 * application, its {@code TopologyTestDriver} tests and the benchmark, and registers the state
 * stores the topology needs itself: callers hand it an empty builder. The stages count what passes
 * through them in {@link TopologySettings#metrics()} (see {@link TopologyMetrics}) without adding a
 * node.
 */
public final class NotifierTopology {

  /** The queryable stores of the directory. */
  public static final String USERS_STORE = "users";
  public static final String GROUPS_STORE = "groups";
  /** The queryable store of the suppression list. */
  public static final String SUPPRESSIONS_STORE = "suppressions";

  private NotifierTopology() {
  }

  /** Adds the whole topology, its state stores included, to {@code builder}. */
  public static void buildTopology(StreamsBuilder builder, TopologySettings settings) {
    buildTopology(builder, settings, null);
  }

  /** As {@link #buildTopology(StreamsBuilder, TopologySettings)}, reading registry-format events with {@code registry}. */
  public static void buildTopology(StreamsBuilder builder, TopologySettings settings, RegistryClient registry) {
    builder.addStateStore(DedupProcessor.storeBuilder(settings.dedupWindow()));
    builder.addStateStore(ParseProcessor.parkedStoreBuilder());
    PolicyStores.builders().forEach(builder::addStateStore);
    Topics topics = settings.topics();
    TopologyMetrics metrics = settings.metrics();
    GlobalKTable<String, User> users = globalTable(builder, topics.users(), USERS_STORE);
    GlobalKTable<String, Group> groups = globalTable(builder, topics.groups(), GROUPS_STORE);
    GlobalKTable<String, Suppression> suppressions = globalTable(builder, topics.suppressions(), SUPPRESSIONS_STORE);
    learn(builder, settings);

    KStream<String, ParseResult> parsed = builder
        .stream(topics.events().name(), consumed(topics.events()))
        // process, not processValues: a parked event is forwarded later, from a punctuation, with its own key
        .process(() -> new ParseProcessor(settings.maxEventBytes(), registry, metrics), Named.as("parse"),
            ParseProcessor.PARKED_STORE);
    parsed.filterNot((k, r) -> r.isValid(), Named.as("invalid"))
        .mapValues(ParseResult::raw, Named.as("raw"))
        .to(topics.invalidEvents().name(), produced(topics.invalidEvents()));
    KStream<String, DomainEvent> events = parsed.filter((k, r) -> r.isValid(), Named.as("valid"))
        .mapValues(ParseResult::event, Named.as("event"));

    RecipientExpander expander = new RecipientExpander(settings.rules());
    events.filterNot((k, e) -> expander.hasRule(e), Named.as("no-rule"))
        .map((k, e) -> {
          metrics.skipped(SkipReason.NO_RULE.code());
          return KeyValue.pair(Statuses.noRuleId(e), Statuses.noRule(e, settings.clock().instant()));
        }, Named.as("no-rule-status"))
        .to(topics.status().name(), produced(topics.status()));

    KStream<String, Candidate> resolved = suppress(expand(events, users, groups, expander), suppressions, settings);
    KStream<String, Candidate> deduplicated = resolved
        .filter((k, c) -> c.getSkipReason() == null, Named.as("deliverable"))
        // no repartition: every candidate of an event is processed in the event's own task (events are
        // keyed by event id, so a re-delivered event meets its first copy there); the dedup store is
        // keyed by notification id within that task
        .selectKey((k, c) -> Statuses.notificationId(c), Named.as("by-notification-id"))
        .processValues(() -> new DedupProcessor(settings.dedupWindow(), metrics), Named.as("dedup"),
            DedupProcessor.STORE);
    // mail that needs no state of its recipient (no digest, quiet hours or cap) is released and rendered in
    // the event's own task; the rest crosses the repartition by recipient to the policy stage
    Policies policies = new Policies(settings.rules());
    Map<String, KStream<String, Candidate>> byPolicy = deduplicated.split(Named.as("policy-"))
        .branch((id, c) -> policies.needsRecipientState(c), Branched.as("recipient-state"))
        .defaultBranch(Branched.as("at-once"));
    KStream<String, Release> releasedAtOnce = byPolicy.get("policy-at-once")
        .processValues(() -> new ReleaseNow(policies, metrics), Named.as("release-now"));
    KStream<String, PolicyOutcome> decided = policy(byPolicy.get("policy-recipient-state"), policies, settings);
    decided.filter((id, o) -> o instanceof LedgerEntry, Named.as("policy-decisions"))
        .mapValues(o -> ((LedgerEntry) o).status(), Named.as("policy-status"))
        .to(topics.status().name(), produced(topics.status()));
    KStream<String, DigestRendering> digests = decided
        .filter((id, o) -> o instanceof ClosedDigest, Named.as("digests-due"))
        .mapValues(o -> DigestRendering.of((ClosedDigest) o, settings.renderer(), settings.router()),
            Named.as("render-digest"));
    digests.filter((id, d) -> d.failed() != null, Named.as("digest-render-failed"))
        .mapValues(DigestRendering::failed, Named.as("digest-render-failure"))
        .to(topics.status().name(), produced(topics.status()));

    // skips of the first hop (before the repartition) and of the second (rendering) are written apart: a merge
    // of the two would put both hops in one sub-topology, whose tasks read the events and the repartition topic
    // together in timestamp order and wait on each other (TopologyShapeTest); so are the two hops' notifications
    skippedStatus(resolved.filter((k, c) -> c.getSkipReason() != null, Named.as("skipped")), "skipped-status",
        settings);
    writeOut(render(releasedAtOnce, "at-once-", settings), "at-once-", settings);
    writeOut(render(decided.filter((id, o) -> o instanceof Release, Named.as("released"))
            .mapValues(o -> (Release) o, Named.as("release")), "", settings)
        .merge(digests.filter((id, d) -> d.notification() != null, Named.as("digest-rendered"))
            .mapValues(DigestRendering::notification, Named.as("digest-notification")), Named.as("all-notifications")),
        "", settings);
  }

  /** Renders released mail; a rendering that fails becomes a SKIPPED status. Names start with {@code prefix}. */
  private static KStream<String, Notification> render(KStream<String, Release> releases, String prefix,
      TopologySettings settings) {
    KStream<String, Rendering> rendered = releases
        .mapValues((id, r) -> Rendering.of(id, r, settings.renderer(), settings.router(), settings.clock()),
            Named.as(prefix + "render"));
    skippedStatus(rendered.filter((id, r) -> r.failed() != null, Named.as(prefix + "render-failed"))
        .mapValues(Rendering::failed, Named.as(prefix + "render-failure")), prefix + "render-failure-status", settings);
    return rendered.filter((id, r) -> r.notification() != null, Named.as(prefix + "rendered"))
        .mapValues(Rendering::notification, Named.as(prefix + "notification"));
  }

  /**
   * Writes notifications to the send topic and their QUEUED statuses. Names start with {@code prefix}. With
   * {@code integrity} on, each notification is signed ({@link SigningProcessor}) on its way to the send topic.
   */
  private static void writeOut(KStream<String, Notification> notifications, String prefix,
      TopologySettings settings) {
    Topics topics = settings.topics();
    TopologyMetrics metrics = settings.metrics();
    if (settings.integrity().signs()) {
      // serialized and signed here, so the signature is over the very bytes the sink writes
      notifications.processValues(() -> new SigningProcessor(topics.send(), settings.integrity()),
              Named.as(prefix + "sign"))
          .to(topics.send().name(), Produced.with(topics.send().keySerde(), Serdes.ByteArray()));
    } else {
      notifications.to(topics.send().name(), produced(topics.send()));
    }
    notifications.mapValues(n -> {
          metrics.notificationOut(n.getTemplate(), n.getAccount());
          return Statuses.queued(n);
        }, Named.as(prefix + "queued-status"))
        .to(topics.status().name(), produced(topics.status()));
  }

  /** Writes a SKIPPED status, with its reason, for each candidate of {@code skipped}, and counts it. */
  private static void skippedStatus(KStream<String, Candidate> skipped, String name, TopologySettings settings) {
    skipped.map((k, c) -> {
          settings.metrics().skipped(c.getSkipReason());
          return KeyValue.pair(Statuses.notificationId(c), Statuses.skipped(c, settings.clock().instant()));
        }, Named.as(name))
        .to(settings.topics().status().name(), produced(settings.topics().status()));
  }

  /**
   * The policy stage. Every notification of one recipient must meet the same digests, held mail and
   * daily count, so candidates are repartitioned by recipient address — the one repartition of the
   * topology — before the policy processor decides; its stores are registered here.
   */
  private static KStream<String, PolicyOutcome> policy(KStream<String, Candidate> candidates, Policies policies,
      TopologySettings settings) {
    return candidates
        .selectKey((id, c) -> NotificationIds.normalize(c.getEmail()), Named.as("to-recipient"))
        .repartition(Repartitioned.<String, Candidate>as("by-recipient")
            .withKeySerde(Serdes.String()).withValueSerde(PolicyStores.candidateSerde()))
        .process(() -> new PolicyProcessor(policies, settings.policyTick(), settings.metrics()), Named.as("policy"),
            PolicyStores.names());
  }

  /**
   * Skips candidates whose address is suppressed (see {@link SuppressionCheck}). The suppression list
   * is a global table, like the directory: every instance holds it all, so the lookup needs no
   * repartition, and an operator's change applies to the next event everywhere.
   */
  private static KStream<String, Candidate> suppress(KStream<String, Candidate> candidates,
      GlobalKTable<String, Suppression> suppressions, TopologySettings settings) {
    SuppressionCheck check = new SuppressionCheck(settings.rules(), settings.suppressions().exemptCritical(),
        settings.clock());
    return candidates.leftJoin(suppressions, (k, c) -> SuppressionCheck.lookupKey(c),
        (c, suppression) -> check.apply(c, suppression), Named.as("suppression-lookup"));
  }

  /**
   * The learn stage: feedback (bounces, complaints, unsubscribes) becomes suppressions by the
   * configured policy, in the same exactly-once application as the rest.
   */
  private static void learn(StreamsBuilder builder, TopologySettings settings) {
    Topics topics = settings.topics();
    builder.addStateStore(FeedbackProcessor.storeBuilder());
    builder.stream(topics.feedback().name(), consumed(topics.feedback()))
        .process(() -> new FeedbackProcessor(settings.suppressions(), SUPPRESSIONS_STORE), Named.as("feedback-policy"),
            FeedbackProcessor.SOFT_BOUNCES_STORE)
        .to(topics.suppressions().name(), produced(topics.suppressions()));
  }

  /**
   * Expands parties into resolved candidates. The directory (users, groups) is read as global
   * tables: every instance holds the whole directory — small next to the event stream — so the
   * lookups need no repartitioning and an event's recipients are resolved where the event is.
   */
  private static KStream<String, Candidate> expand(KStream<String, DomainEvent> events,
      GlobalKTable<String, User> users, GlobalKTable<String, Group> groups, RecipientExpander expander) {
    RecipientPolicy policy = new RecipientPolicy();

    KStream<String, Candidate> groupCandidates = events.flatMap(expander::groups, Named.as("group-parties"))
        .leftJoin(groups, (groupId, c) -> groupId, (groupId, mappedGroupId, c, g) -> new GroupExpansion(c, g),
            Named.as("group-lookup"))
        .flatMap((groupId, expansion) -> expansion.members(groupId, policy), Named.as("group-members"));
    KStream<String, Candidate> unknownGroups = groupCandidates.filter((k, c) -> c.getSkipReason() != null,
        Named.as("unknown-groups"));
    KStream<String, Candidate> members = groupCandidates.filter((k, c) -> c.getSkipReason() == null,
        Named.as("known-groups"));

    KStream<String, Candidate> fromDirectory = events.flatMap(expander::users, Named.as("user-parties"))
        .merge(members, Named.as("users-and-members"))
        .leftJoin(users, (userId, c) -> userId, (userId, mappedUserId, c, user) -> policy.resolve(c, user),
            Named.as("user-lookup"));
    KStream<String, Candidate> direct = events.flatMap(expander::direct, Named.as("direct-parties"))
        .mapValues(policy::resolveDirect, Named.as("direct-resolve"));
    return fromDirectory.merge(direct, Named.as("all-candidates")).merge(unknownGroups, Named.as("with-unknown"));
  }

  private static <V> GlobalKTable<String, V> globalTable(StreamsBuilder builder, Topic<String, V> topic,
      String store) {
    return builder.globalTable(topic.name(), consumed(topic),
        Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
            .withKeySerde(topic.keySerde()).withValueSerde(topic.valueSerde()));
  }

  static <K, V> Consumed<K, V> consumed(Topic<K, V> topic) {
    return Consumed.with(topic.keySerde(), topic.valueSerde());
  }

  static <K, V> Produced<K, V> produced(Topic<K, V> topic) {
    return Produced.with(topic.keySerde(), topic.valueSerde());
  }
}
