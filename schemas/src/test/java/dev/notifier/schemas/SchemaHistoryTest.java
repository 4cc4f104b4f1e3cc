package dev.notifier.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.User;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaHistoryTest {

  @ParameterizedTest
  @ValueSource(strings = {"Notification", "DeliveryStatus", "DeadLetter", "DomainEvent", "User", "QuotaUsage"})
  void everyShippedSchemaIsReadableByTheCurrentOne(String name) {
    Schema current = switch (name) {
      case "Notification" -> Notification.getClassSchema();
      case "DeliveryStatus" -> DeliveryStatus.getClassSchema();
      case "DeadLetter" -> DeadLetter.getClassSchema();
      case "User" -> User.getClassSchema();
      case "QuotaUsage" -> dev.notifier.avro.QuotaUsage.getClassSchema();
      default -> DomainEvent.getClassSchema();
    };
    List<Schema> shipped = SchemaHistory.of(name);
    assertThat(shipped).as("shipped versions of " + name).isNotEmpty();
    for (Schema writer : shipped) {
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, writer).getType())
          .as(name + " as shipped must stay readable").isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  /**
   * A newer release may add a symbol to an enum (a delivery state, a kind of feedback, a reason for a
   * suppression). A reader of this release then resolves it to the enum's default; without one, the whole
   * record is unreadable (an older topology would skip a suppression, and mail its address).
   */
  @Test
  void everyEnumOfEveryRecordHasADefaultThatANewerReleasesSymbolReadsAs() {
    List<Schema> records = List.of(Notification.getClassSchema(), DeliveryStatus.getClassSchema(),
        DeadLetter.getClassSchema(), DomainEvent.getClassSchema(), User.getClassSchema(),
        dev.notifier.avro.Feedback.getClassSchema(), dev.notifier.avro.Suppression.getClassSchema(),
        dev.notifier.avro.Group.getClassSchema(), dev.notifier.avro.internal.OpenDigest.getClassSchema(),
        dev.notifier.avro.internal.Candidate.getClassSchema(), dev.notifier.avro.QuotaUsage.getClassSchema());
    java.util.Map<String, Schema> enums = new java.util.TreeMap<>();
    records.forEach(r -> collectEnums(r, enums, new java.util.HashSet<>()));

    assertThat(enums).as("the records' enums").containsKeys("DeliveryState", "FeedbackKind", "Priority",
        "SuppressionReason");
    enums.forEach((name, e) -> assertThat(e.getEnumDefault()).as("the default of enum " + name)
        .isNotNull().isIn(e.getEnumSymbols()));
  }

  private static void collectEnums(Schema s, java.util.Map<String, Schema> enums, java.util.Set<String> seen) {
    switch (s.getType()) {
      case ENUM -> enums.put(s.getName(), s);
      case RECORD -> {
        if (seen.add(s.getFullName())) {
          s.getFields().forEach(f -> collectEnums(f.schema(), enums, seen));
        }
      }
      case UNION -> s.getTypes().forEach(t -> collectEnums(t, enums, seen));
      case ARRAY -> collectEnums(s.getElementType(), enums, seen);
      case MAP -> collectEnums(s.getValueType(), enums, seen);
      default -> { }
    }
  }

  @Test
  void aNotificationWrittenByRelease1IsReadByTheCurrentWorkerSerde() throws IOException {
    Schema v1 = SchemaHistory.of("Notification").get(0);
    byte[] bytes = encode(v1, notificationV1(v1));

    Notification read = Topics.standard().send().valueSerde().deserializer().deserialize("t", bytes);

    assertThat(read.getNotificationId()).isEqualTo("n-1");
    assertThat(read.getRecipient().getEmail()).isEqualTo("alice@example.com");
    assertThat(read.getExpiresAt()).isNull();
    // without the history the same bytes are unreadable: the history is what reads them
    assertThatThrownBy(() -> new AvroSerde<>(Notification.class, Notification.getClassSchema()).decode(bytes))
        .hasMessageContaining("fingerprint");
  }

  @Test
  void aDeadLetterAndAStatusOfRelease1AreStillReadFromTheirCompactedTopics() throws IOException {
    Schema notificationV1 = SchemaHistory.of("Notification").get(0);
    Schema letterV1 = SchemaHistory.of("DeadLetter").get(0);
    GenericRecord letter = new GenericData.Record(letterV1);
    letter.put("notification", notificationV1(letterV1.getField("notification").schema()));
    letter.put("failureClass", "DEAD_RECIPIENT");
    letter.put("attempts", 1);
    letter.put("account", "default");
    letter.put("firstFailureAt", 1_700_000_000_000L);
    letter.put("lastFailureAt", 1_700_000_000_000L);
    DeadLetter read = Topics.standard().deadLetters().valueSerde().deserializer()
        .deserialize("t", encode(letterV1, letter));
    assertThat(read.getNotification().getNotificationId()).isEqualTo("n-1");
    assertThat(read.getRawValue()).isNull();

    Schema statusV1 = SchemaHistory.of("DeliveryStatus").get(0);
    GenericRecord status = new GenericData.Record(statusV1);
    status.put("notificationId", "n-1");
    status.put("eventId", "e-1");
    status.put("eventType", "bug.assigned");
    status.put("state", new GenericData.EnumSymbol(statusV1.getField("state").schema(), "SENT"));
    status.put("attempts", 1);
    status.put("at", 1_700_000_000_000L);
    DeliveryStatus s = Topics.standard().status().valueSerde().deserializer().deserialize("t", encode(statusV1, status));
    assertThat(s.getState()).isEqualTo(DeliveryState.SENT);
  }

  @Test
  void aNotificationOfRelease2ReadsAsNormalPriorityAndKeepsItsExpiry() throws IOException {
    Schema v2 = SchemaHistory.of("Notification").get(1);
    GenericRecord n = notificationV1(v2);
    n.put("expiresAt", Instant.parse("2026-11-22T10:00:00Z").toEpochMilli());

    Notification read = Topics.standard().send().valueSerde().deserializer().deserialize("t", encode(v2, n));

    assertThat(read.getPriority()).isEqualTo(Priority.NORMAL);
    assertThat(read.getExpiresAt()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
  }

  @Test
  void aUserWithoutPreferencesIsStillReadFromTheDirectory() throws IOException {
    Schema v1 = SchemaHistory.of("User").get(0);
    GenericRecord user = new GenericData.Record(v1);
    user.put("userId", "alice");
    user.put("email", "alice@example.com");
    user.put("timeZone", "Europe/Berlin");
    user.put("active", true);
    user.put("optOut", List.of("story.*"));

    User read = Topics.standard().users().valueSerde().deserializer().deserialize("t", encode(v1, user));

    assertThat(read.getEmail()).isEqualTo("alice@example.com");
    assertThat(read.getTimeZone()).isEqualTo("Europe/Berlin");
    assertThat(read.getOptOut()).containsExactly("story.*");
    assertThat(read.getPreferences()).isNull();
  }

  @Test
  void aStatusOfRelease2ReadsWithoutDigestOrReleaseTime() throws IOException {
    Schema v2 = SchemaHistory.of("DeliveryStatus").get(1);
    GenericRecord status = new GenericData.Record(v2);
    status.put("notificationId", "n-1");
    status.put("eventId", "e-1");
    status.put("eventType", "bug.assigned");
    status.put("state", new GenericData.EnumSymbol(v2.getField("state").schema(), "EXPIRED"));
    status.put("attempts", 0);
    status.put("at", 1_700_000_000_000L);

    DeliveryStatus s = Topics.standard().status().valueSerde().deserializer().deserialize("t", encode(v2, status));

    assertThat(s.getState()).isEqualTo(DeliveryState.EXPIRED);
    assertThat(s.getDigestId()).isNull();
    assertThat(s.getReleaseAt()).isNull();
  }

  static GenericRecord notificationV1(Schema v1) {
    GenericRecord recipient = new GenericData.Record(v1.getField("recipient").schema());
    recipient.put("userId", "alice");
    recipient.put("email", "alice@example.com");
    recipient.put("name", "Alice");
    recipient.put("locale", "en");
    recipient.put("role", "to");
    GenericRecord n = new GenericData.Record(v1);
    n.put("notificationId", "n-1");
    n.put("eventId", "e-1");
    n.put("eventType", "bug.assigned");
    n.put("source", "zentao");
    n.put("template", "bug-assigned");
    n.put("account", "default");
    n.put("recipient", recipient);
    n.put("subject", "Bug #1");
    n.put("textBody", "hello");
    n.put("createdAt", Instant.parse("2026-11-21T10:00:00Z").toEpochMilli());
    return n;
  }

  static byte[] encode(Schema schema, GenericRecord record) throws IOException {
    ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
