package dev.notifier.streams.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Subject;
import dev.notifier.schemas.InvalidRecordException;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistrySettings;
import dev.notifier.schemas.registry.RegistryUnavailableException;
import dev.notifier.testkit.registry.SchemaRegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Events in a schema registry's wire format, against a registry on loopback that follows the
 * registry's documented REST contract: read and cached, evolution both ways, an unknown id, an
 * incompatible schema, a registry that is down (never an invalid event), fail-over, auth, header ids.
 */
class RegistryEventsTest {

  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  private final SchemaRegistryServer registry = SchemaRegistryServer.start();

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void anEventInTheConfluentWireFormatIsReadWithTheSchemaOfItsIdAskedForOnce() throws Exception {
    int id = registry.register("notifier.events-value", DomainEvent.getClassSchema().toString());
    EventParser parser = parser(RegistrySettings.of(registry.url()));

    DomainEvent first = parser.parse(wire(id, specific(event("r-1"))));
    int asked = registry.requests();
    DomainEvent second = parser.parse(wire(id, specific(event("r-2"))));

    assertThat(first.getEventId()).isEqualTo("r-1");
    assertThat(second.getEventId()).isEqualTo("r-2");
    assertThat(second.getSubject().getId()).isEqualTo("42");
    assertThat(registry.requests()).as("the schema is cached by id").isEqualTo(asked);
  }

  @Test
  void aProducersNewerSchemaWithAnAddedFieldIsRead() throws Exception {
    Schema v2 = withExtraField(DomainEvent.getClassSchema());
    int id = registry.register("notifier.events-value", v2.toString());
    GenericRecord record = generic(v2, event("v2-1"));
    record.put("ticketSystem", "jira");

    DomainEvent read = parser(RegistrySettings.of(registry.url())).parse(wire(id, encode(v2, record)));

    assertThat(read.getEventId()).isEqualTo("v2-1");
    assertThat(read.getType()).isEqualTo("bug.assigned");
  }

  @Test
  void aSchemaWithoutAFieldTheNotifierNeedsIsIncompatible() throws Exception {
    Schema lacking = withoutField(DomainEvent.getClassSchema(), "type");
    int id = registry.register("notifier.events-value", lacking.toString());
    GenericRecord record = generic(lacking, event("old-1"));

    assertThatThrownBy(() -> parser(RegistrySettings.of(registry.url())).parse(wire(id, encode(lacking, record))))
        .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
          assertThat(e.reason()).isEqualTo("incompatible-schema");
          assertThat(e.getMessage()).contains("type", "registry id " + id, "default");
        });
  }

  @Test
  void anIdTheRegistryDoesNotHaveIsAnUnknownSchemaId() {
    assertThatThrownBy(() -> parser(RegistrySettings.of(registry.url())).parse(wire(77, new byte[] {2, 'x'})))
        .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
          assertThat(e.reason()).isEqualTo("unknown-schema-id");
          assertThat(e.getMessage()).contains("id 77", "40403");
        });
  }

  @Test
  void aRegistryThatIsDownMakesTheEventUnavailableNeverInvalidAndTheNextOneIsAskedWhenItIsBack()
      throws Exception {
    int id = registry.register("notifier.events-value", DomainEvent.getClassSchema().toString());
    EventParser parser = parser(RegistrySettings.of(registry.url()));
    registry.down();

    assertThatThrownBy(() -> parser.parse(wire(id, specific(event("d-1")))))
        .isInstanceOf(RegistryUnavailableException.class).isNotInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("no schema registry answered for schema id " + id).hasMessageContaining("503");

    registry.up();
    assertThat(parser.parse(wire(id, specific(event("d-1")))).getEventId()).isEqualTo("d-1");
  }

  @Test
  void theNextRegistryIsAskedWhenTheFirstDoesNotAnswer() throws Exception {
    int id = registry.register("notifier.events-value", DomainEvent.getClassSchema().toString());
    RegistrySettings two = new RegistrySettings(List.of("http://127.0.0.1:1", registry.url()), null, null, null,
        null, null, null, null, Duration.ofSeconds(2), null, null, null);

    assertThat(parser(two).parse(wire(id, specific(event("f-1")))).getEventId()).isEqualTo("f-1");
  }

  @Test
  void basicAuthCredentialsComeFromTheEnvironmentAndAWrongPasswordIsNotTakenForAnInvalidEvent() throws Exception {
    registry.requireBasicAuth("notifier", "s3cret");
    int id = registry.register("notifier.events-value", DomainEvent.getClassSchema().toString());
    RegistrySettings auth = new RegistrySettings(List.of(registry.url()), "REG_USER", "REG_PASSWORD", null, null,
        null, null, null, null, null, null, null);

    EventParser right = new EventParser(1 << 20, new RegistryClient(auth,
        Map.of("REG_USER", "notifier", "REG_PASSWORD", "s3cret")::get));
    EventParser wrong = new EventParser(1 << 20, new RegistryClient(auth,
        Map.of("REG_USER", "notifier", "REG_PASSWORD", "guess")::get));

    assertThat(right.parse(wire(id, specific(event("a-1")))).getEventId()).isEqualTo("a-1");
    assertThatThrownBy(() -> wrong.parse(wire(id, specific(event("a-2")))))
        .isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("refused the credentials")
        .hasMessageNotContaining("guess");
    assertThatThrownBy(() -> new RegistryClient(auth, Map.<String, String>of()::get))
        .hasMessageContaining("REG_USER").hasMessageContaining("not set");
  }

  @Test
  void aContentIdInApicuriosHeaderIsReadWithTheBareAvroBody() throws Exception {
    int id = registry.register("notifier.events-value", DomainEvent.getClassSchema().toString());
    RecordHeaders headers = new RecordHeaders();
    headers.add("apicurio.value.contentId", ByteBuffer.allocate(8).putLong(id).array());

    DomainEvent read = parser(RegistrySettings.of(registry.url())).parse(specific(event("h-1")), headers);

    assertThat(read.getEventId()).isEqualTo("h-1");
  }

  @Test
  void aGlobalIdInApicuriosHeaderIsNeverLookedUpAsTheCompatibleApisIdOfTheSameNumber() throws Exception {
    // a global id is not a content id: the registry's id 1 is a DomainEvent, yet global id 1 may be another schema
    int id = registry.register("notifier.events-value", DomainEvent.getClassSchema().toString());
    RecordHeaders headers = new RecordHeaders();
    headers.add("apicurio.value.globalId", ByteBuffer.allocate(8).putLong(id).array());
    EventParser parser = parser(RegistrySettings.of(registry.url()));
    int asked = registry.requests();

    assertThatThrownBy(() -> parser.parse(specific(event("h-2")), headers))
        .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
          assertThat(e.reason()).isEqualTo("unknown-schema-id");
          assertThat(e.getMessage()).contains("Apicurio global id " + id).contains("/apis/ccompat/v7")
              .contains("apicurio.registry.use-id=contentId");
        });
    assertThat(registry.requests()).as("nothing asked of a registry that is not Apicurio").isEqualTo(asked);
  }

  @Test
  void withoutARegistryConfiguredTheWireFormatIsInvalidAndSaysWhatToConfigure() {
    assertThatThrownBy(() -> new EventParser(1 << 20).parse(wire(1, new byte[] {2, 'x'})))
        .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
          assertThat(e.reason()).isEqualTo("unknown-encoding");
          assertThat(e.getMessage()).contains("streams.schemaRegistry");
        });
  }

  @Test
  void registrySettingsRefuseWhatCannotWorkNamingTheKey() {
    assertThatThrownBy(() -> RegistrySettings.of("registry:8081"))
        .hasMessageContaining("streams.schemaRegistry.urls").hasMessageContaining("http://");
    assertThatThrownBy(() -> new RegistrySettings(List.of("http://r:8081"), "U", null, null, null, null, null, null,
        null, null, null, null)).hasMessageContaining("passwordEnv or passwordFile");
    assertThatThrownBy(() -> new RegistrySettings(List.of("http://r:8081"), null, null, null, null, null, null, null,
        Duration.ZERO, null, null, null)).hasMessageContaining("streams.schemaRegistry.timeout");
  }

  // --- fixtures -----------------------------------------------------------------------------

  private static EventParser parser(RegistrySettings settings) {
    return new EventParser(1 << 20, new RegistryClient(settings, name -> null));
  }

  private static DomainEvent event(String id) {
    return DomainEvent.newBuilder().setEventId(id).setType("bug.assigned").setSource("zentao").setOccurredAt(T0)
        .setSubject(Subject.newBuilder().setKind("bug").setId("42").setTitle("Registry").build())
        .setTo(List.of()).setCc(List.of()).build();
  }

  private static byte[] wire(long id, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt((int) id).put(body).array();
  }

  private static byte[] specific(DomainEvent event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(DomainEvent.class).write(event, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /** The event's fields as a record of {@code schema} (fields the schema lacks are left out). */
  private static GenericRecord generic(Schema schema, DomainEvent event) throws IOException {
    GenericRecord full = (GenericRecord) GenericData.get().deepCopy(DomainEvent.getClassSchema(),
        new org.apache.avro.generic.GenericDatumReader<GenericRecord>(DomainEvent.getClassSchema()).read(null,
            org.apache.avro.io.DecoderFactory.get().binaryDecoder(specific(event), null)));
    GenericRecord record = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      if (DomainEvent.getClassSchema().getField(f.name()) != null) {
        record.put(f.name(), full.get(f.name()));
      }
    }
    return record;
  }

  private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static Schema withExtraField(Schema schema) {
    List<Schema.Field> fields = new java.util.ArrayList<>();
    schema.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(new Schema.Field("ticketSystem", Schema.create(Schema.Type.STRING), "v2", "zentao"));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  private static Schema withoutField(Schema schema, String name) {
    List<Schema.Field> fields = new java.util.ArrayList<>();
    schema.getFields().stream().filter(f -> !f.name().equals(name))
        .forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }
}
