package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.streams.expand.RuleBookLoader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped rule catalogue, SKIPPED reasons and directory behaviour, on the real topology. */
class NotificationRulesTest {

  private TopologyFixture t;

  @BeforeEach
  void setUp() {
    t = new TopologyFixture();
    for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank", "gina")) {
      t.user(user, user + "@example.com");
    }
    t.group("proj-7", "erin", "frank", "carol");
    t.group("qa-team", "gina", "alice");
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  /** An event with to=alice, cc=bob, owner=dave, by carol, with the given extra JSON fields. */
  private static String event(String id, String type, String extra) {
    return "{\"eventId\":\"" + id + "\",\"type\":\"" + type + "\",\"source\":\"zentao\",\"team\":\"qa\","
        + "\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
        + "\"subject\":{\"kind\":\"" + type.substring(0, type.indexOf('.')) + "\",\"id\":\"1\",\"title\":\"T\"},"
        + "\"to\":[{\"userId\":\"alice\"}],\"cc\":[{\"userId\":\"bob\"}],\"owner\":{\"userId\":\"dave\"}"
        + extra + "}";
  }

  private List<String> sentTo() {
    return t.sent().stream().map(n -> n.getRecipient().getUserId()).sorted().collect(Collectors.toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bug.created", "bug.edited", "bug.assigned", "bug.confirmed", "bug.resolved",
      "bug.activated", "bug.closed", "story.created", "story.edited", "story.activated", "story.reviewed",
      "story.closed", "story.planChanged", "story.branchChanged", "story.stageChanged", "story.assigned",
      "task.created", "task.edited", "task.assigned", "task.started", "task.finished", "task.activated",
      "task.closed", "task.canceled", "task.restarted"})
  void bugsStoriesAndTasksNotifyAssigneeAndCcButNotTheOwner(String type) {
    t.event("e", event("e-" + type, type, ""));

    assertThat(sentTo()).containsExactly("alice", "bob");
  }

  @ParameterizedTest
  @ValueSource(strings = {"testtask.created", "testtask.edited"})
  void testTasksNotifyOwnerAndCcButNotTheAssignee(String type) {
    t.event("e", event("e-" + type, type, ""));

    assertThat(sentTo()).containsExactly("bob", "dave");
  }

  @Test
  void aBuildSubmittedForTestingNotifiesOnlyTheTestOwner() {
    t.event("e", event("b1", "build.submitted", ""));

    assertThat(sentTo()).containsExactly("dave");
    assertThat(t.sent()).allSatisfy(n -> assertThat(n.getTemplate()).isEqualTo("build"));
  }

  @Test
  void aChangedStoryLinkedToAProjectNotifiesEveryProjectMemberButTheActor() {
    t.event("e", event("s1", "story.changed", ",\"attributes\":{\"project\":\"proj-7\"}"));

    assertThat(sentTo()).containsExactly("alice", "bob", "erin", "frank");
    assertThat(t.statuses().values()).anySatisfy(s -> {
      assertThat(s.getUserId()).isEqualTo("carol");
      assertThat(s.getReason()).isEqualTo("actor");
    });
  }

  @Test
  void aChangedStoryWithoutAProjectNotifiesAssigneeAndCcOnly() {
    t.event("e", event("s2", "story.changed", ""));

    assertThat(sentTo()).containsExactly("alice", "bob");
  }

  @Test
  void anEventTypeWithNoRuleIsSkippedAsNoRule() {
    t.event("e", event("x1", "wiki.pageDeleted", ""));

    assertThat(t.sent()).isEmpty();
    DeliveryStatus status = t.statuses().get(NotificationIds.forUser("x1", "*", "no-rule"));
    assertThat(status.getState()).isEqualTo(DeliveryState.SKIPPED);
    assertThat(status.getReason()).isEqualTo("no-rule");
    assertThat(status.getDetail()).contains("wiki.pageDeleted");
  }

  @Test
  void inactiveUsersAreSkipped() {
    t.userJson("alice", "{\"userId\":\"alice\",\"email\":\"alice@example.com\",\"active\":false}");
    t.event("e", event("i1", "bug.assigned", ""));

    assertThat(sentTo()).containsExactly("bob");
    assertThat(reasons()).contains("inactive");
  }

  @Test
  void optOutGlobsSkipMatchingEventTypesOnly() {
    t.userJson("alice", "{\"userId\":\"alice\",\"email\":\"alice@example.com\",\"optOut\":[\"bug.*\"]}");
    t.event("e", event("o1", "bug.assigned", ""));
    t.event("e", event("o2", "task.assigned", ""));

    List<Notification> sent = t.sent();
    assertThat(sent).extracting(n -> n.getEventId() + ":" + n.getRecipient().getUserId())
        .containsExactlyInAnyOrder("o1:bob", "o2:alice", "o2:bob");
    DeliveryStatus skipped = t.statuses().get(NotificationIds.forAddress("o1", "alice@example.com", "bug"));
    assertThat(skipped.getReason()).isEqualTo("opted-out");
    assertThat(skipped.getDetail()).contains("bug.*");
  }

  @Test
  void aDirectoryUpdateAppliesToTheNextEventWithoutARestart() {
    t.event("e", event("d1", "bug.assigned", ""));
    assertThat(t.sent()).extracting(n -> n.getRecipient().getEmail())
        .containsExactlyInAnyOrder("alice@example.com", "bob@example.com");

    t.user("alice", "alice.new@example.com");
    t.group("qa-team", "gina");
    t.event("e", event("d2", "bug.assigned", ",\"attributes\":{}").replace("{\"userId\":\"bob\"}",
        "{\"groupId\":\"qa-team\"}"));

    assertThat(t.sent()).extracting(n -> n.getRecipient().getEmail())
        .containsExactlyInAnyOrder("alice.new@example.com", "gina@example.com");
  }

  @Test
  void aUserReachedDirectlyAndThroughTwoGroupsGetsOneNotification() {
    t.group("devs", "alice", "gina");
    t.event("e", event("g1", "bug.assigned", "").replace("\"cc\":[{\"userId\":\"bob\"}]",
        "\"cc\":[{\"groupId\":\"qa-team\"},{\"groupId\":\"devs\"},{\"email\":\"alice@example.com\"}]"));

    assertThat(t.sent()).extracting(n -> n.getRecipient().getEmail())
        .containsExactlyInAnyOrder("alice@example.com", "gina@example.com");
  }

  @Test
  void theMostSpecificRuleWinsAndARuleMayNotifyTheActor() {
    String rules = "rules:\n"
        + "  - {events: '*', notify: [to], template: bug}\n"
        + "  - {events: 'bug.*', notify: [cc], template: bug}\n"
        + "  - {events: 'bug.assigned', notify: [to, cc], template: bug, notifyActor: true}\n";
    t.close();
    t = new TopologyFixture(TopologySettings.defaults(Topics.standard(), "default")
        .withRules(RuleBookLoader.parse("test.yaml", new ByteArrayInputStream(rules.getBytes(StandardCharsets.UTF_8)))));
    t.user("alice", "alice@example.com");
    t.user("bob", "bob@example.com");
    t.user("carol", "carol@example.com");

    t.event("e", event("r1", "bug.assigned", "").replace("{\"userId\":\"bob\"}", "{\"userId\":\"carol\"}"));
    t.event("e", event("r2", "bug.closed", ""));
    t.event("e", event("r3", "wiki.edited", ""));

    assertThat(t.sent()).extracting(n -> n.getEventId() + ":" + n.getRecipient().getUserId())
        .containsExactlyInAnyOrder("r1:alice", "r1:carol", "r2:bob", "r3:alice");
  }

  @Test
  void aRuleWhoseTemplateDoesNotExistIsSkippedNotAnEmptyEmail() {
    String rules = "rules:\n  - {events: 'bug.*', notify: [to], template: no-such-template}\n";
    t.close();
    t = new TopologyFixture(TopologySettings.defaults(Topics.standard(), "default")
        .withRules(RuleBookLoader.parse("test.yaml", new ByteArrayInputStream(rules.getBytes(StandardCharsets.UTF_8)))));
    t.user("alice", "alice@example.com");
    t.event("e", event("nt1", "bug.assigned", ""));

    assertThat(t.sent()).isEmpty();
    DeliveryStatus status = t.statuses().get(NotificationIds.forAddress("nt1", "alice@example.com",
        "no-such-template"));
    assertThat(status.getState()).isEqualTo(DeliveryState.SKIPPED);
    assertThat(status.getReason()).isEqualTo("no-template");
    assertThat(status.getDetail()).contains("no-such-template");
  }

  private Collection<String> reasons() {
    return t.statuses().values().stream().map(DeliveryStatus::getReason).collect(Collectors.toList());
  }
}
