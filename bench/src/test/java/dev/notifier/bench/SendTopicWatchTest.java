package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class SendTopicWatchTest {

  private final Serde<Notification> serde = Topics.standard().send().valueSerde();
  private final SendTopicWatch.Subjects subjects = new SendTopicWatch.Subjects(serde.deserializer());

  @Test
  void theSubjectIsReadWithoutDecodingTheRestAndMatchesTheWholeRecords() {
    for (int i = 0; i < 3; i++) {
      Notification n = MailContent.notification("watch", i, "primary");
      n.setSubject("int:" + (1_700_000_000_000_000L + i) + " i:" + i + " Export is slow");
      byte[] bytes = serde.serializer().serialize("notifier.send", n);

      assertThat(subjects.of(bytes)).isEqualTo(n.getSubject().toString())
          .isEqualTo(serde.deserializer().deserialize("notifier.send", bytes).getSubject().toString());
    }
  }

  @Test
  void aTombstoneHasNoSubject() {
    assertThat(subjects.of(null)).isEmpty();
  }
}
