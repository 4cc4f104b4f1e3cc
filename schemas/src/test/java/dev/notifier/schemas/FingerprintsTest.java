package dev.notifier.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Group;
import dev.notifier.avro.Notification;
import dev.notifier.avro.User;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

  /** The canonical forms Debian's python3-avro 1.11.1 printed for our schemas (schema.canonical_form). */
  @Test
  void thePython111FormIsWhatAvroForPython111Prints() throws IOException {
    for (Schema schema : List.of(DomainEvent.getClassSchema(), Notification.getClassSchema(),
        DeliveryStatus.getClassSchema(), DeadLetter.getClassSchema(), User.getClassSchema(), Group.getClassSchema())) {
      assertThat(Fingerprints.python111Form(schema)).as(schema.getName())
          .isEqualTo(pythonForm(schema.getName()));
    }
  }

  @Test
  void schemasWithoutLogicalTypesHaveOneFingerprintAndTheOthersTwo() {
    assertThat(Fingerprints.python111(User.getClassSchema())).isEqualTo(Fingerprints.of(User.getClassSchema()));
    assertThat(Fingerprints.python111(DomainEvent.getClassSchema()))
        .isNotEqualTo(Fingerprints.of(DomainEvent.getClassSchema()));
    assertThat(Fingerprints.of(DomainEvent.getClassSchema()))
        .isEqualTo(SchemaNormalization.parsingFingerprint64(DomainEvent.getClassSchema()));
    assertThat(Fingerprints.accepted(List.of(DomainEvent.getClassSchema()))).hasSize(2)
        .last().asString().endsWith("(Avro for Python 1.11)");
    assertThat(Fingerprints.aliases(List.of(DomainEvent.getClassSchema(), User.getClassSchema()))).containsExactly(
        java.util.Map.entry(Fingerprints.python111(DomainEvent.getClassSchema()),
            Fingerprints.of(DomainEvent.getClassSchema())));
  }

  private static String pythonForm(String name) throws IOException {
    try (InputStream in = FingerprintsTest.class.getResourceAsStream("/python-avro-1.11/" + name + ".canonical.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
