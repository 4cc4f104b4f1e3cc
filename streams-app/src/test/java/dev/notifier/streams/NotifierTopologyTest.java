package dev.notifier.streams;

import static dev.notifier.streams.TopologyFixture.eventJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Party;
import dev.notifier.avro.Subject;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.streams.metrics.TopologyMetrics;
import dev.notifier.streams.parse.ParseProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotifierTopologyTest {

  private TopologyFixture t;

  @BeforeEach
  void setUp() {
    t = new TopologyFixture();
    t.user("alice", "alice@example.com");
    t.user("bob", "bob@example.com");
    t.user("carol", "carol@example.com");
    t.user("dave", "dave@example.com");
    t.user("erin", null);
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static List<String> recipients(List<Notification> notifications) {
    return notifications.stream().map(n -> n.getRecipient().getEmail()).sorted().collect(Collectors.toList());
  }

  @Test
  void assigneeAndCcAreMailedAndTheActorIsNot() {
    t.event("e1", eventJson("e1", "bug.assigned", "carol", "alice", "bob", "carol"));

    List<Notification> sent = t.sent();
    assertThat(recipients(sent)).containsExactly("alice@example.com", "bob@example.com");
    Map<String, DeliveryStatus> statuses = t.statuses();
    DeliveryStatus actor = statuses.get(NotificationIds.forAddress("e1", "carol@example.com", "bug"));
    assertThat(actor.getState()).isEqualTo(DeliveryState.SKIPPED);
    assertThat(actor.getReason()).isEqualTo("actor");
  }

  @Test
  void userWithoutEmailIsSkippedWithReason() {
    t.event("e1", eventJson("e1", "bug.assigned", "carol", "erin", "bob"));

    assertThat(recipients(t.sent())).containsExactly("bob@example.com");
    DeliveryStatus erin = t.statuses().get(NotificationIds.forUser("e1", "erin", "bug"));
    assertThat(erin.getState()).isEqualTo(DeliveryState.SKIPPED);
    assertThat(erin.getReason()).isEqualTo("no-email");
    assertThat(erin.getDetail()).contains("erin").contains("no email");
  }

  @Test
  void unknownUserIsSkippedWithReason() {
    t.event("e1", eventJson("e1", "bug.assigned", "carol", "zoe"));

    assertThat(t.sent()).isEmpty();
    DeliveryStatus zoe = t.statuses().get(NotificationIds.forUser("e1", "zoe", "bug"));
    assertThat(zoe.getReason()).isEqualTo("unknown-user");
  }

  @Test
  void theSameEventTwiceYieldsOneNotification() {
    String json = eventJson("e1", "bug.assigned", "carol", "alice");
    t.event("e1", json);
    t.event("e1", json);

    assertThat(recipients(t.sent())).containsExactly("alice@example.com");
  }

  @Test
  void aRedeliveryAfterTheDedupWindowIsNewMail() {
    t.close();
    t = new TopologyFixture(dev.notifier.streams.TopologySettings.defaults(t.topics, "default")
        .withDedupWindow(Duration.ofHours(1)));
    t.user("alice", "alice@example.com");
    String json = eventJson("e1", "bug.assigned", "carol", "alice");
    t.event("e1", json, TopologyFixture.T0);
    t.event("e1", json, TopologyFixture.T0.plus(Duration.ofMinutes(59)));
    assertThat(t.sent()).hasSize(1);

    t.event("e1", json, TopologyFixture.T0.plus(Duration.ofHours(3)));
    assertThat(t.sent()).hasSize(1);
  }

  @Test
  void theDedupWindowHoldsAcrossBucketBoundariesAndOutOfOrderTimestamps() {
    t.close();
    t = new TopologyFixture(dev.notifier.streams.TopologySettings.defaults(t.topics, "default")
        .withDedupWindow(Duration.ofHours(1)));
    t.user("alice", "alice@example.com");
    String json = eventJson("e1", "bug.assigned", "carol", "alice");
    // T0 is on the hour: 10:59 and 11:58 lie in the next one-hour buckets, each within an hour of the last mail
    java.time.Instant first = TopologyFixture.T0.plus(Duration.ofMinutes(59));
    t.event("e1", json, first);
    t.event("e1", json, first.plus(Duration.ofMinutes(59)));
    t.event("e1", json, first.minus(Duration.ofMinutes(50)));
    t.event("e1", json, first.plus(Duration.ofHours(1)));
    assertThat(t.sent()).hasSize(1);

    t.event("e1", json, first.plus(Duration.ofHours(1)).plusMillis(1));
    assertThat(t.sent()).as("one millisecond past the window of the first mail").hasSize(1);
  }

  @Test
  void anEventKeyedOtherwiseIsMailedAndCounted() {
    t.close();
    MeterRegistry registry = new SimpleMeterRegistry();
    t = new TopologyFixture(dev.notifier.streams.TopologySettings.defaults(t.topics, "default")
        .withMetrics(new TopologyMetrics(registry)));
    t.user("alice", "alice@example.com");
    t.event("not-the-event-id", eventJson("e1", "bug.assigned", "carol", "alice"));
    t.event("e2", eventJson("e2", "bug.assigned", "carol", "alice"));

    assertThat(t.sent()).hasSize(2);
    assertThat(registry.get(TopologyMetrics.EVENTS_KEYED_OTHERWISE).counter().count()).isEqualTo(1.0);
  }

  @Test
  void aUserReachedAsAssigneeAndCcGetsOneNotification() {
    t.event("e1", eventJson("e1", "bug.assigned", "carol", "alice", "alice", "bob"));

    assertThat(recipients(t.sent())).containsExactly("alice@example.com", "bob@example.com");
  }

  @Test
  void groupMembersAreExpandedAndOverlapWithDirectRolesIsDeduplicated() {
    t.group("qa-team", "alice", "dave", "carol");
    t.event("e1", eventJson("e1", "bug.assigned", "carol", "alice", "group:qa-team", "ext@example.com"));

    assertThat(recipients(t.sent()))
        .containsExactly("alice@example.com", "dave@example.com", "ext@example.com");
  }

  @Test
  void unknownGroupIsSkippedWithReason() {
    t.event("e1", eventJson("e1", "bug.assigned", "carol", "alice", "group:nobody"));

    assertThat(recipients(t.sent())).containsExactly("alice@example.com");
    assertThat(t.statuses().values()).anySatisfy(s -> assertThat(s.getReason()).isEqualTo("unknown-group"));
  }

  @Test
  void jsonAndAvroSingleObjectEventsBothParse() throws Exception {
    t.event("e1", eventJson("e1", "bug.assigned", "carol", "alice"));
    DomainEvent avro = DomainEvent.newBuilder()
        .setEventId("e2").setType("task.finished").setSource("zentao").setTeam("qa")
        .setOccurredAt(TopologyFixture.T0)
        .setActor(Party.newBuilder().setUserId("carol").build())
        .setSubject(Subject.newBuilder().setKind("task").setId("7").setTitle("Write docs").build())
        .setTo(List.of(Party.newBuilder().setUserId("bob").build()))
        .build();
    byte[] bytes = new AvroSerde<>(DomainEvent.class, DomainEvent.getClassSchema()).encode(avro);
    assertThat(bytes[0] & 0xFF).isEqualTo(0xC3);
    t.events.pipeInput("e2", bytes);

    List<Notification> sent = t.sent();
    assertThat(sent).extracting(Notification::getEventId).containsExactly("e1", "e2");
    assertThat(sent.get(1).getSubject()).isEqualTo("[ZenTao] Task #7 Write docs — finished by carol");
    assertThat(sent.get(1).getRecipient().getEmail()).isEqualTo("bob@example.com");
  }

  @Test
  void garbageGoesToTheInvalidTopicWithTheReasonAndTheNextRecordFlows() {
    byte[] garbage = {0x13, 0x37, (byte) 0xFF, 0x00};
    t.events.pipeInput("bad", garbage);
    t.event("missing", "{\"eventId\":\"e9\",\"type\":\"bug.assigned\"}");
    t.event("e1", eventJson("e1", "bug.assigned", "carol", "alice"));

    List<TestRecord<String, byte[]>> invalid = t.invalid.readRecordsToList();
    assertThat(invalid).hasSize(2);
    assertThat(invalid.get(0).value()).isEqualTo(garbage);
    assertThat(header(invalid.get(0), ParseProcessor.REASON_HEADER)).isEqualTo("unknown-encoding");
    assertThat(header(invalid.get(1), ParseProcessor.REASON_HEADER)).isEqualTo("missing-field");
    assertThat(header(invalid.get(1), ParseProcessor.MESSAGE_HEADER)).contains("'occurredAt'");
    assertThat(recipients(t.sent())).containsExactly("alice@example.com");
  }

  @Test
  void truncatedAvroIsInvalidNotACrash() {
    DomainEvent avro = DomainEvent.newBuilder()
        .setEventId("e2").setType("task.finished").setOccurredAt(TopologyFixture.T0)
        .setSubject(Subject.newBuilder().setKind("task").setId("7").build()).build();
    byte[] bytes = new AvroSerde<>(DomainEvent.class, DomainEvent.getClassSchema()).encode(avro);
    t.events.pipeInput("e2", java.util.Arrays.copyOf(bytes, bytes.length - 3));

    assertThat(header(t.invalid.readRecord(), ParseProcessor.REASON_HEADER)).isEqualTo("bad-avro");
  }

  @Test
  void notificationsAreQueuedInTheLedgerAndRoutedToTheDefaultAccount() {
    t.event("e1", eventJson("e1", "bug.assigned", "carol", "alice"));

    Notification n = t.sent().get(0);
    assertThat(n.getAccount()).isEqualTo("default");
    assertThat(n.getNotificationId()).isEqualTo(NotificationIds.forAddress("e1", "alice@example.com", "bug"));
    assertThat(t.statuses().get(n.getNotificationId()).getState()).isEqualTo(DeliveryState.QUEUED);
  }

  @Test
  void crlfInAnEventFieldNeverReachesTheSubject() {
    t.event("e1", eventJson("e1", "bug.assigned", "carol", "alice")
        .replace("Login fails on Safari", "Login\\r\\nBcc: evil@example.com\\r\\n\\r\\nfake body"));

    Notification n = t.sent().get(0);
    assertThat(n.getSubject()).doesNotContain("\r").doesNotContain("\n").contains("Bcc: evil@example.com");
    assertThat(n.getRecipient().getEmail()).isEqualTo("alice@example.com");
  }

  private static String header(TestRecord<String, byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
