package dev.notifier.streams.metrics;

import dev.notifier.avro.Priority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The topology's own counters (Micrometer names; Prometheus adds {@code _total}):
 * <ul>
 *   <li>{@value #EVENTS_IN} {type} — events parsed, by event type</li>
 *   <li>{@value #EVENTS_INVALID} {reason} — records sent to the invalid topic, by reason code</li>
 *   <li>{@value #NOTIFICATIONS_OUT} {template, account} — notifications written to the send topic</li>
 *   <li>{@value #NOTIFICATIONS_SKIPPED} {reason} — SKIPPED statuses, by reason code</li>
 *   <li>{@value #DUPLICATES_DROPPED} — candidates dedup dropped</li>
 *   <li>{@value #EVENTS_KEYED_OTHERWISE} — events whose record key is not their event id</li>
 *   <li>{@value #POLICY_DECISIONS} {decision} — the policy stage's decisions: {@code digested},
 *       {@code over-cap} (folded into the over-cap digest), {@code skipped-capped}, {@code deferred}
 *       (held in quiet hours), {@code held-released}, {@code digest-sent}, {@code digest-sealed}
 *       (due in quiet hours, waiting for them to end)</li>
 *   <li>{@value #RELEASE_DELAY} {priority} — for mail released as soon as its event was processed (not held in
 *       quiet hours, not gathered into a digest), the time from the event's record timestamp (when the upstream
 *       published it, unless its producer set another) to the release: the event's wait in its topic, parsing,
 *       and for mail that crosses the policy stage's repartition the first transaction's commit. The workers'
 *       {@code notifier.delivery.delay} counts on from the release, so the two cover the whole way from event to
 *       mail server. Buckets at {@link #RELEASE_BUCKETS}</li>
 * </ul>
 *
 * <p><b>Cost.</b> Each counter is resolved once per tag value and kept here, so counting a record
 * is a map lookup and an add: no tag list, no string built per record (the topology benchmark runs
 * with these counters on).
 *
 * <p><b>Cardinality.</b> Event types come from upstream systems: at most {@value #MAX_TAG_VALUES}
 * distinct values (of at most {@value #MAX_TAG_LENGTH} characters) get their own series per tag;
 * any other is counted as {@value #OTHER}. Reasons, templates and accounts come from the notifier's
 * own code and configuration and stay far below that. No tag ever carries an address.
 *
 * <p><b>Not the ledger.</b> Counters move when a record is processed, not when its transaction
 * commits: under exactly-once, a batch retried after a crash or a fenced task is counted again.
 * The status topic is the record of what happened; these are for rates and alerts.
 */
public final class TopologyMetrics {

  public static final String EVENTS_IN = "notifier.events.in";
  public static final String EVENTS_INVALID = "notifier.events.invalid";
  public static final String NOTIFICATIONS_OUT = "notifier.notifications.out";
  public static final String NOTIFICATIONS_SKIPPED = "notifier.notifications.skipped";
  public static final String DUPLICATES_DROPPED = "notifier.duplicates.dropped";
  public static final String EVENTS_KEYED_OTHERWISE = "notifier.events.keyed.otherwise";
  public static final String POLICY_DECISIONS = "notifier.policy.decisions";
  public static final String RELEASE_DELAY = "notifier.release.delay";

  /**
   * The release delay's buckets: fine below a second, where a healthy topology is (its commit interval is
   * {@code 50 ms}), then coarse enough to tell a backlog of minutes from one of hours.
   */
  public static final List<Duration> RELEASE_BUCKETS = List.of(Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(150),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
      Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6));

  /** Distinct values one tag may take before further ones are counted as {@value #OTHER}. */
  public static final int MAX_TAG_VALUES = 200;
  /** Longer tag values are counted as {@value #OTHER}. */
  public static final int MAX_TAG_LENGTH = 100;
  public static final String OTHER = "other";
  /** The tag value of a missing field. */
  public static final String NONE = "none";

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> eventsIn = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> invalid = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> skipped = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> decisions = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, ConcurrentMap<String, Counter>> out = new ConcurrentHashMap<>();
  private final Counter duplicates;
  private final Counter keyedOtherwise;
  private final Timer[] releaseDelay;

  public TopologyMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.duplicates = Counter.builder(DUPLICATES_DROPPED)
        .description("Candidates dropped by dedup: same event, address and template within the window")
        .register(registry);
    this.keyedOtherwise = Counter.builder(EVENTS_KEYED_OTHERWISE)
        .description("Events whose record key is not their event id (a re-keyed copy may be mailed twice)")
        .register(registry);
    this.releaseDelay = Arrays.stream(Priority.values())
        .map(priority -> Timer.builder(RELEASE_DELAY)
            .description("From an event's record timestamp to the release of its mail, for mail released at once")
            .tag("priority", priority.name())
            .serviceLevelObjectives(RELEASE_BUCKETS.toArray(Duration[]::new))
            .register(registry))
        .toArray(Timer[]::new);
  }

  /** Counters in a registry of their own, for a topology nobody scrapes (tests, benchmarks). */
  public static TopologyMetrics unscraped() {
    return new TopologyMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void eventIn(String type) {
    counter(eventsIn, type, EVENTS_IN, "type", "Events parsed, by event type").increment();
  }

  public void invalid(String reason) {
    counter(invalid, reason, EVENTS_INVALID, "reason", "Invalid events sent to the invalid topic, by reason")
        .increment();
  }

  public void skipped(String reason) {
    counter(skipped, reason, NOTIFICATIONS_SKIPPED, "reason", "SKIPPED statuses written, by reason").increment();
  }

  /** One decision of the policy stage (the values are the policy stage's own, a handful). */
  public void policyDecision(String decision) {
    counter(decisions, decision, POLICY_DECISIONS, "decision",
        "Policy stage decisions: digested, over-cap, skipped-capped, deferred, held-released, digest-sent, digest-sealed")
        .increment();
  }

  public void notificationOut(String template, String account) {
    String t = template == null ? NONE : template;
    String a = account == null ? NONE : account;
    ConcurrentMap<String, Counter> byAccount = out.get(t);
    if (byAccount == null) {
      byAccount = out.computeIfAbsent(bounded(out, t), k -> new ConcurrentHashMap<>());
    }
    Counter counter = byAccount.get(a);
    if (counter == null) {
      String templateTag = bounded(out, t);
      counter = byAccount.computeIfAbsent(bounded(byAccount, a), k -> Counter.builder(NOTIFICATIONS_OUT)
          .description("Notifications written to the send topic, by template and sender account")
          .tag("template", templateTag).tag("account", k).register(registry));
    }
    counter.increment();
  }

  /**
   * Mail of {@code priority} released {@code sincePublished} after its event's record timestamp; a negative time
   * (the upstream's clock ahead of the streams host's) counts as none.
   */
  public void released(Priority priority, Duration sincePublished) {
    releaseDelay[priority.ordinal()].record(sincePublished.isNegative() ? Duration.ZERO : sincePublished);
  }

  public void duplicateDropped() {
    duplicates.increment();
  }

  public void keyedOtherwise() {
    keyedOtherwise.increment();
  }

  private Counter counter(ConcurrentMap<String, Counter> counters, String value, String name, String tag,
      String description) {
    String v = value == null ? NONE : value;
    Counter counter = counters.get(v);
    if (counter != null) {
      return counter;
    }
    return counters.computeIfAbsent(bounded(counters, v),
        k -> Counter.builder(name).description(description).tag(tag, k).register(registry));
  }

  /** The tag value to use for {@code value}: itself while there is room for it, else {@value #OTHER}. */
  private static String bounded(ConcurrentMap<String, ?> seen, String value) {
    if (seen.containsKey(value)) {
      return value;
    }
    return seen.size() >= MAX_TAG_VALUES || value.length() > MAX_TAG_LENGTH ? OTHER : value;
  }
}
