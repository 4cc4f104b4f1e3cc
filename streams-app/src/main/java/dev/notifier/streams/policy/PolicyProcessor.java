package dev.notifier.streams.policy;

import dev.notifier.avro.Priority;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.avro.internal.OpenDigest;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.streams.expand.Candidates;
import dev.notifier.streams.metrics.TopologyMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The policy stage, for notifications keyed by recipient address (every mail of one recipient is
 * handled by one task, so their digests, held mail and daily count live in one place):
 *
 * <ol>
 *   <li>a notification whose policy has a digest goes into the recipient's open digest for its key
 *       (DIGESTED) — or, with {@code flushFirst} and no digest open, out at once and opens one;</li>
 *   <li>else, in the recipient's quiet hours, it is held until they end (DEFERRED);</li>
 *   <li>else, over the recipient's daily cap, it goes into their over-cap digest (DIGESTED, reason
 *       capped) or is skipped (SKIPPED capped) as the rule says;</li>
 *   <li>else it is released, with its priority and expiry, and counted.</li>
 * </ol>
 *
 * Critical mail resolves to a policy without digest, quiet hours or cap ({@link Policies}), so it
 * takes the last step at once — when its rule gives it none of them, it never comes here: mail that
 * needs no state of its recipient is released in the event's own task ({@link ReleaseNow}). A wall-clock punctuation every {@code tick} sends the digests that
 * are due — holding one due in quiet hours until they end, sealed against new items — and releases
 * held mail (checking the cap on the day it goes out). "Now" is the stream time's wall clock,
 * {@link ProcessorContext#currentSystemTimeMs()}, which {@code TopologyTestDriver} lets tests move. Mail released
 * as its candidate arrives has the time since its event's record timestamp counted
 * ({@link TopologyMetrics#RELEASE_DELAY}); mail released later, held or in a digest, waited by design and has not.
 */
public final class PolicyProcessor implements Processor<String, Candidate, String, PolicyOutcome> {

  /** Due digests and held mails handled per punctuation; the rest wait for the next tick. */
  static final int BATCH = 1_000;

  private final Policies policies;
  private final Duration tick;
  private final TopologyMetrics metrics;
  private ProcessorContext<String, PolicyOutcome> context;
  private OpenDigests digests;
  private HeldMail held;
  private DailyCaps caps;

  /**
   * @param metrics where each decision is counted ({@link TopologyMetrics#POLICY_DECISIONS})
   */
  public PolicyProcessor(Policies policies, Duration tick, TopologyMetrics metrics) {
    this.policies = policies;
    this.tick = tick;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, PolicyOutcome> context) {
    this.context = context;
    this.digests = new OpenDigests(context.getStateStore(PolicyStores.DIGESTS),
        context.getStateStore(PolicyStores.OPEN), context.getStateStore(PolicyStores.DUE));
    this.held = new HeldMail(context.getStateStore(PolicyStores.HELD));
    this.caps = new DailyCaps(context.getStateStore(PolicyStores.CAPS));
    context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, ts -> punctuate(Instant.ofEpochMilli(ts)));
  }

  @Override
  public void process(Record<String, Candidate> record) {
    Candidate c = record.value();
    Policy policy = policies.of(c);
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    if (policy.digest() == null || !collect(c, policy, policy.digest(), PolicyStatuses.DIGEST, now)) {
      deliverOrHold(c, policy, now, Instant.ofEpochMilli(record.timestamp()));
    }
  }

  /** Sends what is due: digests first (their items are older than the held mail they may overlap). */
  void punctuate(Instant now) {
    for (OpenDigest d : digests.due(now, BATCH)) {
      close(d, now);
    }
    for (Candidate c : held.takeDue(now, BATCH)) {
      metrics.policyDecision("held-released");
      deliverCounted(c, policies.of(c), now, null);
    }
  }

  /**
   * Puts {@code c} into the recipient's digest for its key; false when {@code c} is instead the
   * leading item of a flush-first digest, which the caller sends at once.
   */
  private boolean collect(Candidate c, Policy policy, DigestSpec spec, String reason, Instant now) {
    String openKey = c.getEmail() == null ? "" : NotificationIds.normalize(c.getEmail()) + "|" + spec.key().of(c);
    OpenDigest d = digests.current(openKey);
    if (d == null) {
      d = open(c, openKey, spec, policy, reason, now);
      if (spec.flushFirst() && reason.equals(PolicyStatuses.DIGEST)) {
        return false;
      }
    }
    d.getItems().add(c);
    d.setLastItemAt(now.toEpochMilli());
    digests.update(d, spec.dueAt(Instant.ofEpochMilli(d.getOpenedAt()), now, policy.zone()));
    forward(Candidates.notificationId(c), new LedgerEntry(PolicyStatuses.digested(c, d.getDigestId(), reason,
        Instant.ofEpochMilli(d.getDueAt()), policy.zone(), now)), now);
    metrics.policyDecision(reason.equals(PolicyStatuses.CAPPED) ? "over-cap" : "digested");
    if (d.getItems().size() >= spec.itemLimit()) {
      close(d, now);
    }
    return true;
  }

  private OpenDigest open(Candidate c, String openKey, DigestSpec spec, Policy policy, String reason, Instant now) {
    // unique and deterministic: an item opens at most one digest
    String opener = "digest:" + spec.key().of(c) + "@" + now.toEpochMilli() + "/" + Candidates.notificationId(c);
    OpenDigest d = OpenDigest.newBuilder()
        .setDigestId(NotificationIds.forAddress(opener, c.getEmail(), spec.template()))
        .setOpenKey(openKey).setReason(reason).setOpenedAt(now.toEpochMilli()).setLastItemAt(now.toEpochMilli())
        .setDueAt(spec.dueAt(now, now, policy.zone()).toEpochMilli()).setSealed(false).setItems(new ArrayList<>())
        .build();
    digests.create(d);
    return d;
  }

  /** Sends {@code d} now, or holds it sealed until the recipient's quiet hours end; an empty one just ends. */
  private void close(OpenDigest d, Instant now) {
    if (d.getItems().isEmpty()) {
      digests.remove(d);
      return;
    }
    Candidate latest = d.getItems().get(d.getItems().size() - 1);
    Policy policy = policies.of(latest);
    Optional<Instant> release = policy.quietHours().releaseOf(now, policy.zone());
    if (release.isPresent()) {
      if (!d.getSealed()) {
        metrics.policyDecision("digest-sealed");
      }
      digests.seal(d, release.get());
      return;
    }
    digests.remove(d);
    caps.add(recipient(latest), now.atZone(policy.zone()).toLocalDate());
    String template = policy.digest() != null ? policy.digest().template() : DigestSpec.DEFAULT_TEMPLATE;
    String eventId = "digest:" + d.getOpenKey().substring(d.getOpenKey().indexOf('|') + 1) + "@" + d.getOpenedAt();
    metrics.policyDecision("digest-sent");
    forward(d.getDigestId(), new ClosedDigest(d.getDigestId(), eventId, d.getReason(), d.getItems(),
        Instant.ofEpochMilli(d.getOpenedAt()), now, template, policy.priority(),
        now.plus(policy.expiresAfter()), policy.zone()), now);
  }

  /** {@code publishedAt}: the record timestamp of the candidate's event. */
  private void deliverOrHold(Candidate c, Policy policy, Instant now, Instant publishedAt) {
    Optional<Instant> release = policy.quietHours().releaseOf(now, policy.zone());
    if (release.isPresent()) {
      String id = Candidates.notificationId(c);
      held.hold(id, c, release.get());
      forward(id, new LedgerEntry(PolicyStatuses.deferred(c, release.get(), policy.quietHours(), policy.zone(), now)),
          now);
      metrics.policyDecision("deferred");
      return;
    }
    deliverCounted(c, policy, now, publishedAt);
  }

  /** {@code publishedAt}: the record timestamp of the candidate's event, null for mail that was held. */
  private void deliverCounted(Candidate c, Policy policy, Instant now, Instant publishedAt) {
    String recipient = recipient(c);
    LocalDate day = now.atZone(policy.zone()).toLocalDate();
    if (caps.reached(recipient, day, policy.dailyCap())) {
      if (policy.overCap() == OverCap.SKIP) {
        forward(Candidates.notificationId(c), new LedgerEntry(PolicyStatuses.capped(c, policy.dailyCap(), now)), now);
        metrics.policyDecision("skipped-capped");
      } else {
        collect(c, policy, DigestSpec.overCap(), PolicyStatuses.CAPPED, now);
      }
      return;
    }
    if (policy.priority() != Priority.CRITICAL) {
      caps.add(recipient, day);
    }
    if (publishedAt != null) {
      metrics.released(policy.priority(), Duration.between(publishedAt, now));
    }
    forward(Candidates.notificationId(c), new Release(c, policy.priority(), now, now.plus(policy.expiresAfter())),
        now);
  }

  private static String recipient(Candidate c) {
    return NotificationIds.normalize(c.getEmail());
  }

  private void forward(String key, PolicyOutcome outcome, Instant now) {
    context.forward(new Record<>(key, outcome, now.toEpochMilli()));
  }
}
