package dev.notifier.streams;

import static dev.notifier.streams.TopologyFixture.eventJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.schemas.Topics;
import dev.notifier.streams.metrics.TopologyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology's counters move with what it does, by the right tags, and never grow without bound. */
class TopologyMetricsTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private TopologyFixture t;

  @BeforeEach
  void setUp() {
    t = new TopologyFixture(TopologySettings.defaults(Topics.standard(), "default")
        .withMetrics(new TopologyMetrics(registry)));
    t.user("alice", "alice@example.com");
    t.user("bob", "bob@example.com");
    t.user("carol", "carol@example.com");
    t.user("erin", null);
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  @Test
  void everyOutcomeIsCountedByItsTags() {
    String assigned = eventJson("e1", "bug.assigned", "carol", "alice", "bob", "carol", "erin", "zoe", "alice");
    t.event("e1", assigned);
    t.event("e1", assigned);
    t.event("other-key", eventJson("e2", "bug.resolved", "carol", "bob"));
    t.event("e3", eventJson("e3", "no.such.type", "carol", "alice"));
    t.events.pipeInput("junk", "not an event".getBytes(StandardCharsets.UTF_8));

    assertThat(t.sent()).hasSize(3);
    assertThat(byTag(TopologyMetrics.EVENTS_IN, "type"))
        .isEqualTo(Map.of("bug.assigned", 2.0, "bug.resolved", 1.0, "no.such.type", 1.0));
    assertThat(byTag(TopologyMetrics.EVENTS_INVALID, "reason")).isEqualTo(Map.of("unknown-encoding", 1.0));
    // the re-publication of e1 yields its skips again (statuses are keyed, the ledger keeps one each)
    assertThat(byTag(TopologyMetrics.NOTIFICATIONS_SKIPPED, "reason"))
        .isEqualTo(Map.of("actor", 2.0, "no-email", 2.0, "unknown-user", 2.0, "no-rule", 1.0));
    Counter out = registry.get(TopologyMetrics.NOTIFICATIONS_OUT).tags("template", "bug", "account", "default")
        .counter();
    assertThat(out.count()).isEqualTo(3.0);
    // alice's second copy in e1, then all three deliverable candidates (alice, bob, alice) of the re-published e1
    assertThat(registry.get(TopologyMetrics.DUPLICATES_DROPPED).counter().count()).isEqualTo(4.0);
    assertThat(registry.get(TopologyMetrics.EVENTS_KEYED_OTHERWISE).counter().count()).isEqualTo(1.0);
    assertThat(registry.getMeters()).flatMap(m -> m.getId().getTags())
        .extracting(Tag::getValue).noneMatch(v -> v.contains("@"));
  }

  @Test
  void eventTypesPastTheCapAreCountedAsOther() {
    TopologyMetrics metrics = new TopologyMetrics(registry);
    metrics.eventIn(null);
    for (int i = 0; i < TopologyMetrics.MAX_TAG_VALUES + 50; i++) {
      metrics.eventIn("type-" + i);
    }
    metrics.eventIn("type-7");
    metrics.eventIn("x".repeat(TopologyMetrics.MAX_TAG_LENGTH + 1));

    Map<String, Double> byType = byTag(TopologyMetrics.EVENTS_IN, "type");
    assertThat(byType).hasSize(TopologyMetrics.MAX_TAG_VALUES + 1).containsEntry("type-7", 2.0)
        .containsEntry("none", 1.0).containsKey("type-198").doesNotContainKey("type-199");
    // the 200 values seen first are none, type-0 .. type-198; the rest (51 numbered, one too long) are other
    assertThat(byType.get(TopologyMetrics.OTHER)).isEqualTo(52.0);
  }

  @Test
  void templatesAndAccountsResolveTheirCounterOnce() {
    TopologyMetrics metrics = new TopologyMetrics(registry);
    for (int i = 0; i < 1000; i++) {
      metrics.notificationOut("bug", i % 2 == 0 ? "company" : "qa-team");
    }
    metrics.notificationOut(null, null);

    assertThat(registry.find(TopologyMetrics.NOTIFICATIONS_OUT).counters()).hasSize(3);
    assertThat(registry.get(TopologyMetrics.NOTIFICATIONS_OUT).tags("template", "bug", "account", "qa-team")
        .counter().count()).isEqualTo(500.0);
    assertThat(registry.get(TopologyMetrics.NOTIFICATIONS_OUT).tags("template", "none", "account", "none")
        .counter().count()).isEqualTo(1.0);
  }

  private Map<String, Double> byTag(String name, String tag) {
    return registry.find(name).counters().stream()
        .collect(Collectors.toMap(c -> c.getId().getTag(tag), Counter::count));
  }

}
