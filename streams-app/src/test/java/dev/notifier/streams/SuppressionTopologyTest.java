package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.avro.Suppression;
import dev.notifier.avro.SuppressionReason;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.streams.expand.RuleBookLoader;
import dev.notifier.streams.feedback.SuppressionPolicy;
import dev.notifier.testkit.avro.NewerRelease;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Suppressions under {@code TopologyTestDriver}: the topology skips a suppressed address with reason
 * {@code suppressed}, honours expiry, categories and the critical exemption, and the learn stage turns
 * feedback into suppressions by the policy. The driver does not feed an output topic back as input, so
 * the test pipes the suppressions the learn stage writes into the suppressions table itself, as the
 * broker would.
 */
class SuppressionTopologyTest {

  private static final Instant T0 = TopologyFixture.T0;
  private TopologyFixture t;
  private TestInputTopic<String, Suppression> suppressionsIn;
  private TestInputTopic<String, Feedback> feedback;
  private TestOutputTopic<String, Suppression> suppressionsOut;

  @AfterEach
  void tearDown() {
    t.close();
  }

  private final io.micrometer.core.instrument.MeterRegistry registry =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

  private void start(SuppressionPolicy policy) {
    start(policy, Topics.standard());
  }

  /** The topology over {@code topics} (whose serdes may read a newer release's records). */
  private void start(SuppressionPolicy policy, Topics read) {
    String rules = "rules:\n"
        + "  - events: \"security.*\"\n    notify: [to]\n    template: bug\n    priority: critical\n"
        + "  - events: \"bug.*\"\n    notify: [to]\n    template: bug\n"
        + "  - events: \"story.*\"\n    notify: [to]\n    template: bug\n";
    t = new TopologyFixture(TopologySettings.defaults(read, "default")
        .withRules(RuleBookLoader.parse("test.yaml", new ByteArrayInputStream(rules.getBytes(StandardCharsets.UTF_8))))
        .withSuppressions(policy).withMetrics(new dev.notifier.streams.metrics.TopologyMetrics(registry)));
    Topics topics = t.topics;
    suppressionsIn = t.driver.createInputTopic(topics.suppressions().name(), Serdes.String().serializer(),
        topics.suppressions().valueSerde().serializer());
    feedback = t.driver.createInputTopic(topics.feedback().name(), Serdes.String().serializer(),
        topics.feedback().valueSerde().serializer());
    suppressionsOut = t.driver.createOutputTopic(topics.suppressions().name(), Serdes.String().deserializer(),
        topics.suppressions().valueSerde().deserializer());
    t.user("alice", "Alice@Example.com");
    t.user("carol", "carol@example.com");
  }

  private void event(String id, String type) {
    t.event(id, TopologyFixture.eventJson(id, type, "carol", "alice"));
  }

  private DeliveryStatus statusOf(String eventId) {
    Map<String, DeliveryStatus> all = t.statuses();
    return all.get(NotificationIds.forAddress(eventId, "Alice@Example.com", "bug"));
  }

  private static Suppression suppression(SuppressionReason reason, Instant expiresAt, String... categories) {
    return Suppression.newBuilder().setAddress("alice@example.com").setReason(reason)
        .setCategories(List.of(categories)).setSource("cli:ann").setDetail("test")
        .setFirstSeen(T0.minus(Duration.ofHours(1))).setLastSeen(T0.minus(Duration.ofHours(1))).setCount(1)
        .setExpiresAt(expiresAt).build();
  }

  private static Feedback feedback(FeedbackKind kind, Instant at) {
    return Feedback.newBuilder().setAddress("Alice@Example.com").setKind(kind).setNotificationId("n-1")
        .setReplyCode(kind == FeedbackKind.HARD_BOUNCE ? 550 : 452)
        .setEnhancedCode(kind == FeedbackKind.HARD_BOUNCE ? "5.1.1" : "4.2.2")
        .setDiagnostic("<alice@example.com>: Recipient address rejected").setSource("worker:w-1").setAt(at).build();
  }

  @Test
  void aSuppressedAddressIsSkippedWithReasonSuppressedAndRemovingItLetsMailFlowAgain() {
    start(SuppressionPolicy.DEFAULTS);
    suppressionsIn.pipeInput("alice@example.com", suppression(SuppressionReason.HARD_BOUNCE, null));

    event("e-1", "bug.assigned");

    assertThat(t.sent()).isEmpty();
    DeliveryStatus s = statusOf("e-1");
    assertThat(s.getState()).isEqualTo(DeliveryState.SKIPPED);
    assertThat(s.getReason()).isEqualTo("suppressed");
    assertThat(s.getDetail()).contains("alice@example.com", "hard-bounce", "notifier suppressions remove");
    assertThat(registry.get(dev.notifier.streams.metrics.TopologyMetrics.NOTIFICATIONS_SKIPPED)
        .tag("reason", "suppressed").counter().count()).isEqualTo(1.0);

    suppressionsIn.pipeInput("alice@example.com", null); // notifier suppressions remove: a tombstone
    event("e-2", "bug.assigned");
    assertThat(t.sent()).singleElement().satisfies(n -> assertThat(n.getEventId()).isEqualTo("e-2"));
  }

  @Test
  void aSuppressionOfANewerReleaseWithAReasonThisOneDoesNotKnowStillSuppressesTheAddress() {
    NewerRelease newer = new NewerRelease(Suppression.getClassSchema(), "reason", "LEGAL_HOLD");
    start(SuppressionPolicy.DEFAULTS, Topics.standard().readingNewer(newer.store()));
    TestInputTopic<String, byte[]> raw = t.driver.createInputTopic(t.topics.suppressions().name(),
        Serdes.String().serializer(), Serdes.ByteArray().serializer());
    long hourAgo = T0.minus(Duration.ofHours(1)).toEpochMilli();
    raw.pipeInput("alice@example.com", newer.encode(Map.of("address", "alice@example.com", "reason", "LEGAL_HOLD",
        "source", "cli:ann", "firstSeen", hourAgo, "lastSeen", hourAgo, "addedLater", "case 42")));

    event("e-1", "bug.assigned");

    assertThat(t.sent()).isEmpty();
    DeliveryStatus s = statusOf("e-1");
    assertThat(s.getReason()).isEqualTo("suppressed");
    assertThat(s.getDetail()).as("read as the enum's default").contains("manual");
  }

  @Test
  void feedbackOfANewerReleaseWithAKindThisOneDoesNotKnowCountsAsASoftBounceOnly() {
    NewerRelease newer = new NewerRelease(Feedback.getClassSchema(), "kind", "SPAM_TRAP");
    start(SuppressionPolicy.DEFAULTS.withSoftBounces(2, Duration.ofDays(1)), Topics.standard().readingNewer(newer.store()));
    TestInputTopic<String, byte[]> raw = t.driver.createInputTopic(t.topics.feedback().name(),
        Serdes.String().serializer(), Serdes.ByteArray().serializer());
    for (int i = 0; i < 2; i++) {
      assertThat(suppressionsOut.isEmpty()).as("one soft bounce of two suppresses nothing").isTrue();
      raw.pipeInput("alice@example.com", newer.encode(Map.of("address", "Alice@Example.com", "kind", "SPAM_TRAP",
          "source", "webhook:ses", "at", T0.plus(Duration.ofMinutes(i)).toEpochMilli())));
    }

    assertThat(suppressionsOut.readValue().getReason()).isEqualTo(SuppressionReason.SOFT_BOUNCES);
  }

  @Test
  void anExpiredSuppressionNoLongerApplies() {
    start(SuppressionPolicy.DEFAULTS);
    suppressionsIn.pipeInput("alice@example.com", suppression(SuppressionReason.SOFT_BOUNCES, T0.minusSeconds(1)));

    event("e-1", "bug.assigned");

    assertThat(t.sent()).hasSize(1);
  }

  @Test
  void anUnsubscribeFromOneCategoryStopsThatCategoryOnly() {
    start(SuppressionPolicy.DEFAULTS);
    suppressionsIn.pipeInput("alice@example.com", suppression(SuppressionReason.UNSUBSCRIBE, null, "story.*"));

    event("e-1", "story.changed");
    event("e-2", "bug.assigned");

    assertThat(t.sent()).extracting(n -> n.getEventId()).containsExactly("e-2");
    assertThat(statusOf("e-1").getReason()).isEqualTo("suppressed");
  }

  @Test
  void criticalMailStillGoesOutWhenExemptAndIsSkippedWhenNot() {
    start(SuppressionPolicy.DEFAULTS);
    suppressionsIn.pipeInput("alice@example.com", suppression(SuppressionReason.COMPLAINT, null));
    event("e-1", "security.password-reset");
    assertThat(t.sent()).extracting(n -> n.getEventId()).containsExactly("e-1");
    t.close();

    start(SuppressionPolicy.DEFAULTS.withExemptCritical(false));
    suppressionsIn.pipeInput("alice@example.com", suppression(SuppressionReason.COMPLAINT, null));
    event("e-2", "security.password-reset");
    assertThat(t.sent()).isEmpty();
    assertThat(statusOf("e-2").getReason()).isEqualTo("suppressed");
  }

  @Test
  void aHardBounceSuppressesAtOnceAndTheNextEventIsSkipped() {
    start(SuppressionPolicy.DEFAULTS);

    feedback.pipeInput("alice@example.com", feedback(FeedbackKind.HARD_BOUNCE, T0));

    Suppression s = suppressionsOut.readKeyValue().value;
    assertThat(s.getAddress()).isEqualTo("alice@example.com");
    assertThat(s.getReason()).isEqualTo(SuppressionReason.HARD_BOUNCE);
    assertThat(s.getCategories()).isEmpty();
    assertThat(s.getExpiresAt()).isNull();
    assertThat(s.getDetail()).isEqualTo("hard-bounce 550 5.1.1: <alice@example.com>: Recipient address rejected");
    assertThat(s.getSource()).isEqualTo("worker:w-1");
    assertThat(s.getNotificationId()).isEqualTo("n-1");

    suppressionsIn.pipeInput("alice@example.com", s); // as the broker would feed the global table
    event("e-1", "bug.assigned");
    assertThat(t.sent()).isEmpty();
    assertThat(statusOf("e-1").getReason()).isEqualTo("suppressed");
  }

  @Test
  void softBouncesSuppressOnlyWhenNOfThemFallWithinTheWindow() {
    start(SuppressionPolicy.DEFAULTS.withSoftBounces(3, Duration.ofDays(1)));

    feedback.pipeInput("alice@example.com", feedback(FeedbackKind.SOFT_BOUNCE, T0));
    feedback.pipeInput("alice@example.com", feedback(FeedbackKind.SOFT_BOUNCE, T0.plus(Duration.ofHours(1))));
    // the first two have aged out of the window when the next arrive: at most two within a day, not three
    feedback.pipeInput("alice@example.com", feedback(FeedbackKind.SOFT_BOUNCE, T0.plus(Duration.ofHours(25))));
    feedback.pipeInput("alice@example.com", feedback(FeedbackKind.SOFT_BOUNCE, T0.plus(Duration.ofHours(26))));
    assertThat(suppressionsOut.isEmpty()).isTrue();

    Instant third = T0.plus(Duration.ofHours(27));
    feedback.pipeInput("alice@example.com", feedback(FeedbackKind.SOFT_BOUNCE, third));
    Suppression s = suppressionsOut.readValue();
    assertThat(s.getReason()).isEqualTo(SuppressionReason.SOFT_BOUNCES);
    assertThat(s.getExpiresAt()).isEqualTo(third.plus(Duration.ofDays(30)));
  }

  @Test
  void aHardBounceOnAnAddressAlreadySuppressedKeepsItsFirstSeenAndCounts() {
    start(SuppressionPolicy.DEFAULTS);
    Suppression soft = suppression(SuppressionReason.SOFT_BOUNCES, T0.plus(Duration.ofDays(10)));
    suppressionsIn.pipeInput("alice@example.com", soft);

    feedback.pipeInput("alice@example.com", feedback(FeedbackKind.HARD_BOUNCE, T0));

    Suppression s = suppressionsOut.readValue();
    assertThat(s.getReason()).isEqualTo(SuppressionReason.HARD_BOUNCE);
    assertThat(s.getExpiresAt()).isNull();
    assertThat(s.getFirstSeen()).isEqualTo(soft.getFirstSeen());
    assertThat(s.getLastSeen()).isEqualTo(T0);
    assertThat(s.getCount()).isEqualTo(2);
  }

  @Test
  void anUnsubscribeSuppressesTheCategoryItNamesAndAnotherAddsToIt() {
    start(SuppressionPolicy.DEFAULTS);

    feedback.pipeInput("alice@example.com", unsubscribe("story.*", T0));
    Suppression story = suppressionsOut.readValue();
    assertThat(story.getReason()).isEqualTo(SuppressionReason.UNSUBSCRIBE);
    assertThat(story.getCategories()).containsExactly("story.*");
    assertThat(story.getExpiresAt()).isNull();
    suppressionsIn.pipeInput("alice@example.com", story); // as the broker would feed the global table
    event("e-1", "story.changed");
    event("e-2", "bug.assigned");
    assertThat(t.sent()).extracting(n -> n.getEventId()).containsExactly("e-2");
    assertThat(statusOf("e-1").getReason()).isEqualTo("suppressed");

    feedback.pipeInput("alice@example.com", unsubscribe("bug.*", T0.plus(Duration.ofHours(1))));
    Suppression both = suppressionsOut.readValue();
    assertThat(both.getCategories()).containsExactly("story.*", "bug.*");
    assertThat(both.getCount()).isEqualTo(2);

    feedback.pipeInput("alice@example.com", unsubscribe(null, T0.plus(Duration.ofHours(2))));
    assertThat(suppressionsOut.readValue().getCategories()).as("an unsubscribe naming no category: all mail").isEmpty();
  }

  private static Feedback unsubscribe(String category, Instant at) {
    return Feedback.newBuilder().setAddress("Alice@Example.com").setKind(FeedbackKind.UNSUBSCRIBE).setCategory(category)
        .setSource("sendgrid").setAt(at).build();
  }
}
