package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.streams.expand.RuleBookLoader;
import dev.notifier.streams.metrics.TopologyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import dev.notifier.streams.render.DigestRendering;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The policy stage under {@code TopologyTestDriver}: the driver's wall clock is moved by the test
 * (no sleeping), the policy tick is 30 s, and every assertion reads the send and status topics.
 */
class PolicyTopologyTest {

  private static final Duration TICK = Duration.ofSeconds(30);
  private TopologyFixture t;
  private Instant now;

  @AfterEach
  void tearDown() {
    t.close();
  }

  private void start(String policyYaml, Instant at) {
    String rules = "rules:\n" + policyYaml;
    t = new TopologyFixture(TopologySettings.defaults(Topics.standard(), "default")
        .withRules(RuleBookLoader.parse("test.yaml", new ByteArrayInputStream(rules.getBytes(StandardCharsets.UTF_8))))
        .withPolicyTick(TICK), at);
    now = at;
    t.user("carol", "carol@example.com");
  }

  private void user(String id, String timeZone, String preferences) {
    t.userJson(id, "{\"userId\":\"" + id + "\",\"email\":\"" + id + "@example.com\",\"displayName\":\"" + id
        + "\",\"locale\":\"en\"" + (timeZone == null ? "" : ",\"timeZone\":\"" + timeZone + "\"")
        + (preferences == null ? "" : ",\"preferences\":" + preferences) + "}");
  }

  /** Moves the wall clock to {@code at}, a tick at a time (as the app's punctuation would run). */
  private void advanceTo(Instant at) {
    while (now.isBefore(at)) {
      Duration step = Duration.between(now, at).compareTo(TICK) < 0 ? Duration.between(now, at) : TICK;
      t.advance(step);
      now = now.plus(step);
    }
  }

  private void advanceBy(Duration d) {
    advanceTo(now.plus(d));
  }

  private void event(String id, String type, String kind, String subjectId, String to) {
    event(id, type, kind, subjectId, to, now);
  }

  /** An event whose record the upstream's producer stamped {@code publishedAt}. */
  private void event(String id, String type, String kind, String subjectId, String to, Instant publishedAt) {
    String json = "{\"eventId\":\"" + id + "\",\"type\":\"" + type + "\",\"source\":\"zentao\",\"team\":\"qa\","
        + "\"occurredAt\":\"" + now + "\",\"actor\":{\"userId\":\"carol\"},"
        + "\"subject\":{\"kind\":\"" + kind + "\",\"id\":\"" + subjectId + "\",\"title\":\"Title " + subjectId
        + "\"},\"to\":[{\"userId\":\"" + to + "\"}]}";
    t.events.pipeInput(new TestRecord<>(id, json.getBytes(StandardCharsets.UTF_8), publishedAt));
  }

  /** How often the policy stage counted {@code decision} ({@link TopologyMetrics#POLICY_DECISIONS}). */
  private double decisions(String decision) {
    Counter c = t.metrics.registry().find(TopologyMetrics.POLICY_DECISIONS).tag("decision", decision).counter();
    return c == null ? 0 : c.count();
  }

  private static String id(String eventId, String user, String template) {
    return NotificationIds.forAddress(eventId, user + "@example.com", template);
  }

  private static List<DeliveryStatus> of(Map<String, DeliveryStatus> statuses, DeliveryState state) {
    return statuses.values().stream().filter(s -> s.getState() == state).collect(Collectors.toList());
  }

  private static final String BUG_FIXED_10M = "  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n"
      + "    digest: {mode: fixed, every: 10m}\n";

  @Test
  void thirtyEventsOnOneBugInTwoMinutesBecomeOneDigestOfThirty() {
    start(BUG_FIXED_10M, Instant.parse("2026-11-21T10:00:00Z"));
    user("alice", null, null);
    for (int i = 1; i <= 30; i++) {
      event("e" + i, "bug.edited", "bug", "42", "alice");
      advanceBy(Duration.ofSeconds(4));
    }

    assertThat(t.sent()).as("nothing goes out while the digest is open").isEmpty();
    Map<String, DeliveryStatus> statuses = t.statuses();
    List<DeliveryStatus> digested = of(statuses, DeliveryState.DIGESTED);
    assertThat(digested).hasSize(30);
    String digestId = digested.get(0).getDigestId();
    assertThat(digested).allSatisfy(s -> assertThat(s.getDigestId()).isEqualTo(digestId));
    assertThat(statuses.get(id("e7", "alice", "bug")).getState()).isEqualTo(DeliveryState.DIGESTED);

    advanceTo(Instant.parse("2026-11-21T10:10:00Z"));

    List<Notification> sent = t.sent();
    assertThat(sent).singleElement().satisfies(n -> {
      assertThat(n.getNotificationId()).isEqualTo(digestId);
      assertThat(n.getEventType()).isEqualTo(DigestRendering.EVENT_TYPE);
      assertThat(n.getRecipient().getEmail()).isEqualTo("alice@example.com");
      assertThat(n.getSubject()).isEqualTo("[ZenTao] 30 updates: 30 changes on Bug #42");
      assertThat(n.getTextBody()).contains("… 20 more …").contains("30 changes on Bug #42: Title 42");
      assertThat(n.getCreatedAt()).isEqualTo(Instant.parse("2026-11-21T10:10:00Z"));
      assertThat(n.getExpiresAt()).isEqualTo(Instant.parse("2026-11-24T10:10:00Z"));
      assertThat(n.getPriority()).isEqualTo(Priority.NORMAL);
    });
    assertThat(t.statuses().get(digestId).getState()).isEqualTo(DeliveryState.QUEUED);
    advanceBy(Duration.ofHours(1));
    assertThat(t.sent()).as("a digest is sent once").isEmpty();
    assertThat(decisions("digested")).as("counted for the SREs' dashboards").isEqualTo(30);
    assertThat(decisions("digest-sent")).isEqualTo(1);
  }

  @Test
  void anIdleDigestClosesAfterTheGapOrAtTheCapAfterItsFirstItem() {
    start("  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n    digest: {mode: idle, gap: 3m, max: 10m}\n",
        Instant.parse("2026-11-21T10:00:00Z"));
    user("alice", null, null);

    event("a1", "bug.edited", "bug", "1", "alice");
    advanceBy(Duration.ofMinutes(2));
    event("a2", "bug.edited", "bug", "1", "alice");
    advanceBy(Duration.ofMinutes(2).plusSeconds(30));
    assertThat(t.sent()).as("2.5 minutes after the last item: the gap is not over").isEmpty();
    advanceBy(Duration.ofSeconds(30));
    assertThat(t.sent()).as("3 minutes after the last item").singleElement()
        .satisfies(n -> assertThat(n.getSubject()).contains("2 updates"));

    Instant first = now;
    for (int i = 0; i < 8; i++) {
      event("b" + i, "bug.edited", "bug", "1", "alice");
      advanceBy(Duration.ofMinutes(2));
    }
    List<Notification> sent = t.sent();
    assertThat(sent).as("items every 2 minutes never leave a 3-minute gap: the 10-minute cap closes it")
        .singleElement().satisfies(n -> {
          assertThat(n.getCreatedAt()).isEqualTo(first.plus(Duration.ofMinutes(10)));
          assertThat(n.getSubject()).contains("5 updates");
        });
  }

  @Test
  void aDailyDigestGoesOutAtNineInTheRecipientsZoneAcrossADstChange() {
    start("  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n    digest: {mode: daily, at: \"09:00\"}\n",
        Instant.parse("2026-10-23T12:00:00Z"));
    user("alice", "Europe/Berlin", null);
    user("bob", "Asia/Shanghai", null);

    // Berlin is on CEST (UTC+2) until 2026-10-25 03:00, then CET (UTC+1); Shanghai stays UTC+8
    event("d1", "bug.edited", "bug", "1", "alice");
    event("d2", "bug.edited", "bug", "1", "bob");
    advanceTo(Instant.parse("2026-10-24T12:00:00Z"));
    Map<String, Instant> sentAt = sentAtByRecipient();
    assertThat(sentAt).containsEntry("alice@example.com", Instant.parse("2026-10-24T07:00:00Z"))
        .containsEntry("bob@example.com", Instant.parse("2026-10-24T01:00:00Z"));

    event("d3", "bug.edited", "bug", "1", "alice");
    event("d4", "bug.edited", "bug", "1", "bob");
    advanceTo(Instant.parse("2026-10-25T12:00:00Z"));
    assertThat(sentAtByRecipient()).as("the day the clocks go back")
        .containsEntry("alice@example.com", Instant.parse("2026-10-25T08:00:00Z"))
        .containsEntry("bob@example.com", Instant.parse("2026-10-25T01:00:00Z"));
  }

  private Map<String, Instant> sentAtByRecipient() {
    return t.sent().stream().collect(Collectors.toMap(n -> n.getRecipient().getEmail(), Notification::getCreatedAt));
  }

  @Test
  void aCountCapClosesTheDigestEarlyAndTheRestGoToTheNext() {
    start("  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n"
        + "    digest: {mode: fixed, every: 1h, maxItems: 5}\n", Instant.parse("2026-11-21T10:00:00Z"));
    user("alice", null, null);
    for (int i = 1; i <= 7; i++) {
      event("c" + i, "bug.edited", "bug", "1", "alice");
    }

    List<Notification> early = t.sent();
    assertThat(early).as("closed at the fifth item, without waiting for the hour").singleElement()
        .satisfies(n -> assertThat(n.getSubject()).contains("5 updates"));
    String next = t.statuses().get(id("c7", "alice", "bug")).getDigestId();
    assertThat(next).isNotEqualTo(early.get(0).getNotificationId());

    advanceBy(Duration.ofHours(1));
    assertThat(t.sent()).singleElement().satisfies(n -> {
      assertThat(n.getNotificationId()).isEqualTo(next);
      assertThat(n.getSubject()).contains("2 updates");
    });
  }

  @Test
  void flushFirstSendsTheLeadingItemAtOnceAndDigestsTheRest() {
    start("  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n"
        + "    digest: {mode: idle, gap: 3m, max: 10m, flushFirst: true}\n", Instant.parse("2026-11-21T10:00:00Z"));
    user("alice", null, null);

    event("f1", "bug.edited", "bug", "1", "alice");
    assertThat(t.sent()).singleElement().satisfies(n -> {
      assertThat(n.getNotificationId()).isEqualTo(id("f1", "alice", "bug"));
      assertThat(n.getEventType()).isEqualTo("bug.edited");
    });
    for (int i = 2; i <= 4; i++) {
      advanceBy(Duration.ofMinutes(1));
      event("f" + i, "bug.edited", "bug", "1", "alice");
    }
    assertThat(t.sent()).isEmpty();
    assertThat(of(t.statuses(), DeliveryState.DIGESTED)).hasSize(3);

    advanceBy(Duration.ofMinutes(3));
    assertThat(t.sent()).singleElement().satisfies(n -> assertThat(n.getSubject()).contains("3 updates"));

    event("f5", "bug.edited", "bug", "1", "alice");
    assertThat(t.sent()).as("after the digest closed, the next item leads again").singleElement()
        .satisfies(n -> assertThat(n.getNotificationId()).isEqualTo(id("f5", "alice", "bug")));
    advanceBy(Duration.ofMinutes(10));
    assertThat(t.sent()).as("a digest with no item after its leader is never sent").isEmpty();
  }

  @Test
  void anItemArrivingAfterItsDigestClosedGoesToTheNextOne() {
    start(BUG_FIXED_10M, Instant.parse("2026-11-21T10:00:00Z"));
    user("alice", null, null);
    event("l1", "bug.edited", "bug", "1", "alice");
    advanceBy(Duration.ofMinutes(10));
    Notification first = t.sent().get(0);

    advanceBy(Duration.ofSeconds(30));
    event("l2", "bug.edited", "bug", "1", "alice");
    DeliveryStatus late = t.statuses().get(id("l2", "alice", "bug"));
    assertThat(late.getState()).isEqualTo(DeliveryState.DIGESTED);
    assertThat(late.getDigestId()).isNotEqualTo(first.getNotificationId());

    advanceBy(Duration.ofMinutes(10));
    assertThat(t.sent()).singleElement().satisfies(n -> {
      assertThat(n.getNotificationId()).isEqualTo(late.getDigestId());
      assertThat(n.getSubject()).contains("1 updates");
    });
  }

  private static final String QUIET = "{\"quietHours\":[{\"start\":\"22:00\",\"end\":\"08:00\"}]}";

  @Test
  void mailInTheRecipientsQuietHoursIsHeldUntilTheyEndInTheirZone() {
    start("  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n", Instant.parse("2026-11-21T15:00:00Z"));
    user("bob", "Asia/Shanghai", QUIET);
    user("alice", "Europe/Berlin", QUIET);

    event("q1", "bug.edited", "bug", "1", "bob"); // 23:00 in Shanghai
    event("q2", "bug.edited", "bug", "1", "alice"); // 16:00 in Berlin: not quiet
    assertThat(t.sent()).singleElement().satisfies(n -> assertThat(n.getRecipient().getEmail())
        .isEqualTo("alice@example.com"));
    DeliveryStatus held = t.statuses().get(id("q1", "bob", "bug"));
    assertThat(held.getState()).isEqualTo(DeliveryState.DEFERRED);
    assertThat(held.getReason()).isEqualTo("quiet-hours");
    assertThat(held.getReleaseAt()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));

    advanceTo(Instant.parse("2026-11-21T23:59:30Z"));
    assertThat(t.sent()).isEmpty();
    advanceTo(Instant.parse("2026-11-22T00:00:00Z"));
    assertThat(t.sent()).singleElement().satisfies(n -> {
      assertThat(n.getNotificationId()).isEqualTo(id("q1", "bob", "bug"));
      assertThat(n.getCreatedAt()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
    });
    advanceBy(Duration.ofDays(1));
    assertThat(t.sent()).as("released once").isEmpty();
    assertThat(decisions("deferred")).isEqualTo(1);
    assertThat(decisions("held-released")).isEqualTo(1);
  }

  @Test
  void quietHoursEndAtEightLocalOnTheNightTheClocksGoBack() {
    start("  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n", Instant.parse("2026-10-24T21:00:00Z"));
    user("alice", "Europe/Berlin", QUIET);
    event("n1", "bug.edited", "bug", "1", "alice"); // 23:00 CEST

    // 08:00 on 25 October is CET (UTC+1): 07:00Z, not the 06:00Z the evening's offset would give
    assertThat(t.statuses().get(id("n1", "alice", "bug")).getReleaseAt())
        .isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
    advanceTo(Instant.parse("2026-10-25T06:59:30Z"));
    assertThat(t.sent()).isEmpty();
    advanceTo(Instant.parse("2026-10-25T07:00:00Z"));
    assertThat(t.sent()).hasSize(1);
  }

  @Test
  void aDigestDueInQuietHoursWaitsForThemToEndAndTakesNoMoreItems() {
    start(BUG_FIXED_10M, Instant.parse("2026-11-21T13:55:00Z")); // 21:55 in Shanghai
    user("bob", "Asia/Shanghai", QUIET);
    event("w1", "bug.edited", "bug", "1", "bob");
    advanceBy(Duration.ofMinutes(15)); // due at 22:05: sealed until 08:00
    event("w2", "bug.edited", "bug", "1", "bob");
    Map<String, DeliveryStatus> statuses = t.statuses();
    String first = statuses.get(id("w1", "bob", "bug")).getDigestId();
    assertThat(statuses.get(id("w2", "bob", "bug")).getDigestId()).isNotEqualTo(first);
    assertThat(t.sent()).isEmpty();

    advanceTo(Instant.parse("2026-11-22T00:00:00Z"));
    List<Notification> sent = t.sent();
    assertThat(sent).extracting(Notification::getNotificationId).hasSize(2).contains(first);
    assertThat(sent).allSatisfy(n -> {
      assertThat(n.getCreatedAt()).as("08:00 in Shanghai").isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
      assertThat(n.getSubject()).contains("1 updates");
    });
    advanceBy(Duration.ofDays(1));
    assertThat(t.sent()).isEmpty();
    assertThat(decisions("digest-sealed")).as("both came due in the quiet hours").isEqualTo(2);
    assertThat(decisions("digest-sent")).isEqualTo(2);
  }

  @Test
  void theTwentyFirstMailOfTheDayIsFoldedIntoTheNextDigest() {
    start("  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n    recipient: {dailyCap: 20}\n",
        Instant.parse("2026-11-21T10:00:00Z"));
    user("alice", "Europe/Berlin", null);
    for (int i = 1; i <= 21; i++) {
      event("k" + i, "bug.edited", "bug", String.valueOf(i), "alice");
    }

    assertThat(t.sent()).hasSize(20);
    DeliveryStatus folded = t.statuses().get(id("k21", "alice", "bug"));
    assertThat(folded.getState()).isEqualTo(DeliveryState.DIGESTED);
    assertThat(folded.getReason()).isEqualTo("capped");

    // the over-cap digest goes out when alice's next day starts: midnight in Berlin
    advanceTo(Instant.parse("2026-11-21T22:59:30Z"));
    assertThat(t.sent()).isEmpty();
    advanceTo(Instant.parse("2026-11-21T23:00:00Z"));
    assertThat(t.sent()).singleElement().satisfies(n -> {
      assertThat(n.getNotificationId()).isEqualTo(folded.getDigestId());
      assertThat(n.getTextBody()).contains("Bug #21").contains("daily limit");
    });
    event("k22", "bug.edited", "bug", "22", "alice");
    assertThat(t.sent()).as("a new day, a new count").hasSize(1);
    assertThat(decisions("over-cap")).isEqualTo(1);
    assertThat(decisions("digested")).isZero();
  }

  @Test
  void overTheCapARuleMaySkipInstead() {
    start("  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n    overCap: skip\n"
        + "    recipient: {dailyCap: 1}\n", Instant.parse("2026-11-21T10:00:00Z"));
    user("alice", null, null);
    event("s1", "bug.edited", "bug", "1", "alice");
    event("s2", "bug.edited", "bug", "2", "alice");

    assertThat(t.sent()).hasSize(1);
    DeliveryStatus skipped = t.statuses().get(id("s2", "alice", "bug"));
    assertThat(skipped.getState()).isEqualTo(DeliveryState.SKIPPED);
    assertThat(skipped.getReason()).isEqualTo("capped");
    assertThat(decisions("skipped-capped")).isEqualTo(1);
  }

  @Test
  void mailOfARuleWithoutACapCountsTowardsTheCapAnotherRuleSets() {
    // news mail needs no state of its own (no digest, no quiet hours, no cap of its rule): it may skip the policy
    // stage only while nothing could count it; the bug rule's cap of 2 counts every normal mail of the day
    start("  - events: \"news.*\"\n    notify: [to]\n    template: bug\n"
        + "  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n    overCap: skip\n    recipient: {dailyCap: 2}\n",
        Instant.parse("2026-11-21T10:00:00Z"));
    user("alice", null, null);
    event("n1", "news.posted", "bug", "1", "alice");
    event("n2", "news.posted", "bug", "2", "alice");
    event("b1", "bug.edited", "bug", "3", "alice");

    assertThat(t.sent()).as("the two news mails").hasSize(2);
    DeliveryStatus overCap = t.statuses().get(id("b1", "alice", "bug"));
    assertThat(overCap.getState()).isEqualTo(DeliveryState.SKIPPED);
    assertThat(overCap.getReason()).isEqualTo("capped");
  }

  @Test
  void criticalMailBypassesDigestsQuietHoursAndCaps() {
    start("  - events: \"security.*\"\n    notify: [to]\n    template: bug\n    priority: critical\n"
        + "    recipient: {dailyCap: 1}\n"
        + "  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n    recipient: {dailyCap: 1}\n",
        Instant.parse("2026-11-21T15:00:00Z")); // 23:00 in Shanghai
    user("bob", "Asia/Shanghai", "{\"quietHours\":[{\"start\":\"22:00\",\"end\":\"08:00\"}],"
        + "\"digests\":{\"bug\":\"daily\"},\"dailyCap\":1}");

    event("x1", "bug.edited", "bug", "1", "bob");
    assertThat(t.statuses().get(id("x1", "bob", "bug")).getState()).as("normal mail: the user's daily digest")
        .isEqualTo(DeliveryState.DIGESTED);
    for (int i = 1; i <= 3; i++) {
      event("p" + i, "security.passwordReset", "account", "bob", "bob");
    }

    List<Notification> sent = t.sent();
    assertThat(sent).hasSize(3).allSatisfy(n -> {
      assertThat(n.getPriority()).isEqualTo(Priority.CRITICAL);
      assertThat(n.getExpiresAt()).isEqualTo(Instant.parse("2026-11-21T16:00:00Z"));
    });
  }

  @Test
  void theReleaseDelayCountsFromTheEventsPublicationForMailReleasedAtOnceAndNotForMailHeld() {
    start("  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n"
        + "  - events: \"security.*\"\n    notify: [to]\n    template: bug\n    priority: critical\n",
        Instant.parse("2026-11-21T15:00:00Z")); // 23:00 in Shanghai
    user("alice", null, null); // needs no state: released in the event's own task
    user("dave", null, "{\"dailyCap\":5}"); // a cap of his own: released after the repartition by recipient
    user("bob", "Asia/Shanghai", QUIET); // held until 08:00 in Shanghai

    event("a1", "bug.edited", "bug", "1", "alice", now.minusSeconds(40)); // waited 40 s in the events topic
    event("d1", "bug.edited", "bug", "2", "dave", now.minusSeconds(3));
    event("s1", "security.passwordReset", "account", "alice", "alice", now.minusMillis(200));
    event("f1", "bug.edited", "bug", "3", "alice", now.plusSeconds(5)); // the upstream's clock ahead of ours
    event("b1", "bug.edited", "bug", "4", "bob", now.minusSeconds(1));
    assertThat(t.sent()).hasSize(4);
    advanceTo(Instant.parse("2026-11-22T00:00:00Z"));
    assertThat(t.sent()).as("bob's mail, when his quiet hours ended").hasSize(1);

    Timer normal = releaseDelay(Priority.NORMAL);
    assertThat(normal.count()).as("a1, d1 and f1; not b1, held by design").isEqualTo(3);
    assertThat(normal.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(43_000);
    assertThat(normal.max(TimeUnit.MILLISECONDS)).isEqualTo(40_000);
    assertThat(bucket(normal, Duration.ofMillis(5))).as("f1, counted as no delay").isEqualTo(1);
    assertThat(bucket(normal, Duration.ofSeconds(5))).as("f1 and d1").isEqualTo(2);
    assertThat(bucket(normal, Duration.ofMinutes(1))).isEqualTo(3);
    Timer critical = releaseDelay(Priority.CRITICAL);
    assertThat(critical.count()).isEqualTo(1);
    assertThat(critical.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(200);
    assertThat(bucket(critical, Duration.ofMillis(150))).isZero();
    assertThat(bucket(critical, Duration.ofMillis(250))).isEqualTo(1);
    assertThat(releaseDelay(Priority.BULK).count()).isZero();
  }

  private Timer releaseDelay(Priority priority) {
    return t.metrics.registry().get(TopologyMetrics.RELEASE_DELAY).tag("priority", priority.name()).timer();
  }

  /** How many of {@code timer}'s records were at most {@code bound}. */
  private static double bucket(Timer timer, Duration bound) {
    return Arrays.stream(timer.takeSnapshot().histogramCounts())
        .filter(b -> b.bucket(TimeUnit.NANOSECONDS) == bound.toNanos()).findFirst().orElseThrow().count();
  }
}
