package dev.notifier.cli.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Party;
import dev.notifier.avro.Subject;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.testkit.registry.ApicurioRegistry;
import dev.notifier.testkit.registry.Registry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link RegistryInteropIntegrationTest} against a real registry, Apicurio Registry's Confluent-compatible
 * API: Confluent's Python AvroSerializer registers through it, the topology resolves ids it assigned, an
 * outage (its front answering 503) files nothing invalid, and {@code notifier publish --format avro-registry}
 * registers and looks up there. Beside those, Apicurio's header mode as its own serializers write it: the
 * bare Avro body with the schema's global id or content id in a header — two number spaces that part ways
 * once a schema is registered under two subjects (one content, two versions), so a global id must never be
 * looked up as a content id.
 */
class ApicurioRegistryInteropIntegrationTest extends RegistryInteropIntegrationTest {

  private ApicurioRegistry apicurio;

  @Override
  protected Registry startRegistry() {
    Registry registry = RealRegistries.apicurio();
    apicurio = (ApicurioRegistry) registry;
    return registry;
  }

  @Test
  @Order(10)
  void eventsNamingTheirSchemaByApicuriosGlobalOrContentIdInAHeaderAreDelivered() throws Exception {
    // the events' schema registered under a second subject too: one content id, and there a global id of its own
    Schema v3 = SchemaEdits.withStringField(DomainEvent.getClassSchema(), "headerMode", "none");
    int contentId = apicurio.register("notifier.events-value", v3.toString());
    assertThat(apicurio.register("archive.events-value", v3.toString())).isEqualTo(contentId);
    long globalId = apicurio.globalId("archive.events-value");
    assertThat(globalId).as("the global id differs from the content id, or this test proves nothing")
        .isNotEqualTo(contentId);
    int before = smtp.messages().size();

    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> byGlobal = new ProducerRecord<>(TOPICS.events().name(), "hdr-global",
          body("hdr-global"));
      byGlobal.headers().add("apicurio.value.globalId", ByteBuffer.allocate(8).putLong(globalId).array());
      ProducerRecord<String, byte[]> byContent = new ProducerRecord<>(TOPICS.events().name(), "hdr-content",
          body("hdr-content"));
      byContent.headers().add("apicurio.value.contentId", ByteBuffer.allocate(8).putLong(contentId).array());
      producer.send(byGlobal).get();
      producer.send(byContent).get();
    }

    assertThat(smtp.awaitMessages(before + 2, Duration.ofSeconds(60))).hasSize(before + 2);
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.invalidEvents().name())).isZero();
  }

  /** The bare Avro body of an event written with the v3 schema (its extra string field last, "apicurio"). */
  private static byte[] body(String eventId) throws IOException {
    DomainEvent event = DomainEvent.newBuilder().setEventId(eventId).setType("bug.assigned").setSource("zentao")
        .setOccurredAt(Instant.parse("2026-11-21T10:00:00Z")).setActor(Party.newBuilder().setUserId("carol").build())
        .setSubject(Subject.newBuilder().setKind("bug").setId("11").setTitle("Header mode").build())
        .setTo(List.of(Party.newBuilder().setUserId("alice").build())).setCc(List.of()).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(DomainEvent.class).write(event, encoder);
    encoder.writeString("apicurio");
    encoder.flush();
    return out.toByteArray();
  }
}
