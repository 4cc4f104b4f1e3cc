package dev.notifier.streams;

import static dev.notifier.streams.TopologyFixture.eventJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DomainEvent;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.Fingerprints;
import dev.notifier.streams.parse.ParseProcessor;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile and old input: schema evolution, unknown and missing fields, size and length limits. */
class EventInputTest {

  private TopologyFixture t;

  @BeforeEach
  void setUp() {
    t = new TopologyFixture();
    t.user("alice", "alice@example.com");
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  @Test
  void anEventWrittenWithTheV1SchemaStillParses() throws Exception {
    Schema v1;
    try (InputStream in = getClass().getResourceAsStream("/avro-history/DomainEvent-v1.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    assertThat(v1.getField("owner")).as("v1 predates the owner field").isNull();
    GenericRecord subject = new GenericData.Record(v1.getField("subject").schema());
    subject.put("kind", "bug");
    subject.put("id", "42");
    subject.put("title", "Old producer");
    Schema partySchema = v1.getField("to").schema().getElementType();
    GenericRecord alice = new GenericData.Record(partySchema);
    alice.put("userId", "alice");
    GenericRecord event = new GenericData.Record(v1);
    event.put("eventId", "old-1");
    event.put("type", "bug.assigned");
    event.put("source", "zentao");
    event.put("occurredAt", 1_700_000_000_000L);
    event.put("subject", subject);
    event.put("to", List.of(alice));
    event.put("cc", List.of());
    event.put("attributes", Map.of());
    ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(event);
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    assertThat(SchemaNormalization.parsingFingerprint64(v1))
        .isNotEqualTo(SchemaNormalization.parsingFingerprint64(DomainEvent.getClassSchema()));

    t.events.pipeInput("old-1", bytes);

    assertThat(t.invalid.isEmpty()).isTrue();
    assertThat(t.sent()).extracting(n -> n.getRecipient().getEmail()).containsExactly("alice@example.com");
  }

  @Test
  void anUnknownJsonFieldIsIgnored() {
    String json = eventJson("u1", "bug.assigned", "carol", "alice").replace("\"source\"",
        "\"futureField\":{\"nested\":[1,2]},\"source\"");
    t.event("u1", json);

    assertThat(t.invalid.isEmpty()).isTrue();
    assertThat(t.sent()).hasSize(1);
  }

  @Test
  void aMissingRequiredJsonFieldIsInvalidWithTheFieldNamed() {
    t.event("m1", eventJson("m1", "bug.assigned", "carol", "alice").replace("\"type\":\"bug.assigned\",", ""));

    TestRecord<String, byte[]> invalid = t.invalid.readRecord();
    assertThat(header(invalid, ParseProcessor.REASON_HEADER)).isEqualTo("missing-field");
    assertThat(header(invalid, ParseProcessor.MESSAGE_HEADER)).contains("'type'");
  }

  @Test
  void anOversizedEventGoesToTheInvalidTopic() {
    String big = eventJson("big", "bug.assigned", "carol", "alice")
        .replace("\"severity\":\"2\"", "\"blob\":\"" + "x".repeat(TopologySettings.DEFAULT_MAX_EVENT_BYTES) + "\"");
    t.event("big", big);
    t.event("ok", eventJson("ok", "bug.assigned", "carol", "alice"));

    TestRecord<String, byte[]> invalid = t.invalid.readRecord();
    assertThat(header(invalid, ParseProcessor.REASON_HEADER)).isEqualTo("too-large");
    assertThat(header(invalid, ParseProcessor.MESSAGE_HEADER)).contains("1048576");
    assertThat(invalid.value()).hasSize(big.getBytes(StandardCharsets.UTF_8).length);
    assertThat(t.sent()).extracting(n -> n.getEventId()).containsExactly("ok");
  }

  @Test
  void aForgedTwoGigabyteLengthIsRefusedWithoutAllocatingIt() {
    byte[] valid = new AvroSerde<>(DomainEvent.class, DomainEvent.getClassSchema()).encode(
        DomainEvent.newBuilder().setEventId("f").setType("bug.assigned").setOccurredAt(TopologyFixture.T0)
            .setSubject(dev.notifier.avro.Subject.newBuilder().setKind("bug").setId("1").build()).build());
    // header (2 marker bytes + 8 fingerprint bytes), then eventId's length as a zig-zag varint: 2 GB
    ByteArrayOutputStream forged = new ByteArrayOutputStream();
    forged.write(valid, 0, 10);
    writeZigZagVarint(forged, 2_000_000_000L);
    forged.writeBytes("abc".getBytes(StandardCharsets.UTF_8));
    t.events.pipeInput("f", forged.toByteArray());
    t.event("ok", eventJson("ok", "bug.assigned", "carol", "alice"));

    TestRecord<String, byte[]> invalid = t.invalid.readRecord();
    assertThat(header(invalid, ParseProcessor.REASON_HEADER)).isEqualTo("bad-avro");
    assertThat(header(invalid, ParseProcessor.MESSAGE_HEADER)).contains("exceeds maximum allowed");
    assertThat(t.sent()).extracting(n -> n.getEventId()).containsExactly("ok");
  }

  @Test
  void anAvroRecordWithAnUnknownFingerprintIsInvalid() {
    byte[] valid = new AvroSerde<>(DomainEvent.class, DomainEvent.getClassSchema()).encode(
        DomainEvent.newBuilder().setEventId("w").setType("bug.assigned").setOccurredAt(TopologyFixture.T0)
            .setSubject(dev.notifier.avro.Subject.newBuilder().setKind("bug").setId("1").build()).build());
    valid[5] ^= 0x5A;
    t.events.pipeInput("w", valid);

    TestRecord<String, byte[]> invalid = t.invalid.readRecord();
    assertThat(header(invalid, ParseProcessor.REASON_HEADER)).isEqualTo("bad-avro");
    assertThat(header(invalid, ParseProcessor.MESSAGE_HEADER))
        .as("the reason names the fingerprints the notifier reads, and where to see them")
        .contains(Fingerprints.hex(Fingerprints.of(DomainEvent.getClassSchema())))
        .contains(Fingerprints.hex(Fingerprints.python111(DomainEvent.getClassSchema())) + " (Avro for Python 1.11)")
        .contains("notifier schemas");
  }

  /**
   * Avro for Python 1.11 (Debian's python3-avro) fingerprints the same schema differently: it keeps
   * a logical type's wrapping object in the canonical form. Such an event is read like any other.
   */
  @Test
  void anAvroEventFingerprintedTheWayAvroForPython111DoesIsRead() {
    byte[] bytes = new AvroSerde<>(DomainEvent.class, DomainEvent.getClassSchema()).encode(
        DomainEvent.newBuilder().setEventId("py-1").setType("bug.assigned").setOccurredAt(TopologyFixture.T0)
            .setActor(dev.notifier.avro.Party.newBuilder().setUserId("carol").build())
            .setTo(java.util.List.of(dev.notifier.avro.Party.newBuilder().setUserId("alice").build()))
            .setSubject(dev.notifier.avro.Subject.newBuilder().setKind("bug").setId("1").build()).build());
    java.nio.ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putLong(Fingerprints.python111(DomainEvent.getClassSchema()));

    t.events.pipeInput("py-1", bytes);

    assertThat(t.invalid.isEmpty()).isTrue();
    assertThat(t.sent()).extracting(n -> n.getEventId()).containsExactly("py-1");
  }

  private static void writeZigZagVarint(ByteArrayOutputStream out, long value) {
    long n = (value << 1) ^ (value >> 63);
    while ((n & ~0x7FL) != 0) {
      out.write((int) ((n & 0x7F) | 0x80));
      n >>>= 7;
    }
    out.write((int) n);
  }

  private static String header(TestRecord<String, byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
