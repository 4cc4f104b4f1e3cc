package dev.notifier.streams.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Subject;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryEncoder;
import dev.notifier.schemas.registry.RegistryRefusedException;
import dev.notifier.schemas.registry.RegistrySettings;
import dev.notifier.schemas.registry.SchemaNotRegisteredException;
import dev.notifier.testkit.registry.SchemaRegistryServer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the notifier writes in the registry's wire format ({@code notifier publish --format
 * avro-registry}), against a loopback registry following the REST contract: looked up and never
 * registered unless asked, registered once when asked, refused when the subject's level forbids it,
 * and read back by the topology's parser.
 */
class RegistryEncoderTest {

  private static final String SUBJECT = "notifier.events-value";
  private final SchemaRegistryServer registry = SchemaRegistryServer.start();
  private final RegistryClient client = new RegistryClient(RegistrySettings.of(registry.url()), name -> null);

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void withoutAutoRegistrationAnUnregisteredSchemaIsRefusedAndNothingIsRegistered() {
    RegistryEncoder<DomainEvent> encoder = new RegistryEncoder<>(client, SUBJECT, DomainEvent.getClassSchema(), false);

    assertThatThrownBy(() -> encoder.encode(event("e-1"))).isInstanceOfSatisfying(SchemaNotRegisteredException.class,
        e -> assertThat(e.subject()).isEqualTo(SUBJECT)).hasMessageContaining("subject " + SUBJECT)
        .hasMessageContaining("auto-registration is off");
    assertThat(client.latest(SUBJECT)).isEmpty();
  }

  @Test
  void withAutoRegistrationTheSchemaIsRegisteredOnceAndTheTopologyReadsWhatIsWritten() {
    RegistryEncoder<DomainEvent> encoder = new RegistryEncoder<>(client, SUBJECT, DomainEvent.getClassSchema(), true);

    byte[] first = encoder.encode(event("e-1"));
    int asked = registry.requests();
    byte[] second = encoder.encode(event("e-2"));

    assertThat(registry.requests()).as("the id is asked for once").isEqualTo(asked);
    assertThat(first[0]).isZero();
    int id = ByteBuffer.wrap(first, 1, 4).getInt();
    assertThat(client.latest(SUBJECT)).hasValueSatisfying(v -> assertThat(v.id()).isEqualTo(id));
    EventParser parser = new EventParser(1 << 20, client);
    assertThat(parser.parse(second).getEventId()).isEqualTo("e-2");
    assertThat(parser.parse(first).getOccurredAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
    // a second writer (another publish) finds the id without registering
    assertThat(new RegistryEncoder<DomainEvent>(client, SUBJECT, DomainEvent.getClassSchema(), false).schemaId())
        .isEqualTo(id);
  }

  @Test
  void aRegistrationTheSubjectsLevelForbidsIsRefusedNamingTheSubject() {
    registry.register(SUBJECT, withoutField(DomainEvent.getClassSchema(), "type").toString());
    RegistryEncoder<DomainEvent> encoder = new RegistryEncoder<>(client, SUBJECT, DomainEvent.getClassSchema(), true);

    assertThatThrownBy(encoder::schemaId).isInstanceOfSatisfying(RegistryRefusedException.class,
        e -> assertThat(e.errorCode()).isEqualTo(409)).hasMessageContaining("subject " + SUBJECT)
        .hasMessageContaining("incompatible");
  }

  private static DomainEvent event(String id) {
    return DomainEvent.newBuilder().setEventId(id).setType("bug.assigned").setSource("zentao")
        .setOccurredAt(Instant.parse("2026-11-21T10:00:00Z"))
        .setSubject(Subject.newBuilder().setKind("bug").setId("42").setTitle("Registry").build())
        .setTo(List.of()).setCc(List.of()).build();
  }

  private static Schema withoutField(Schema schema, String name) {
    List<Schema.Field> fields = new ArrayList<>();
    schema.getFields().stream().filter(f -> !f.name().equals(name))
        .forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }
}
