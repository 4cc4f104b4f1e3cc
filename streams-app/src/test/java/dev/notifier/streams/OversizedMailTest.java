package dev.notifier.streams;

import static dev.notifier.streams.TopologyFixture.eventJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.streams.render.MailSize;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 900 KB event (under the 1 MiB event limit) renders past the mail size limit: its title is in the
 * subject, the text and the HTML. It is SKIPPED {@code too-large}, never written to the send topic,
 * and the event after it is mailed as usual.
 */
class OversizedMailTest {

  private TopologyFixture t;

  @BeforeEach
  void setUp() {
    t = new TopologyFixture();
    t.user("alice", "alice@example.com");
    t.user("carol", "carol@example.com");
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  @Test
  void anEventThatWouldRenderPastTheLimitIsSkippedTooLargeAndTheNextIsMailed() {
    String huge = eventJson("e-big", "bug.assigned", "carol", "alice")
        .replace("Login fails on Safari", "A".repeat(900 * 1024));
    assertThat(huge.getBytes(StandardCharsets.UTF_8).length).isBetween(900 * 1024, TopologySettings.DEFAULT_MAX_EVENT_BYTES);

    t.event("e-big", huge);
    t.event("e-ok", eventJson("e-ok", "bug.assigned", "carol", "alice"));

    assertThat(t.sent()).singleElement().satisfies(n -> assertThat(n.getEventId()).isEqualTo("e-ok"));
    DeliveryStatus big = t.statuses().get(NotificationIds.forAddress("e-big", "alice@example.com", "bug"));
    assertThat(big.getState()).isEqualTo(DeliveryState.SKIPPED);
    assertThat(big.getReason()).isEqualTo("too-large");
    assertThat(big.getDetail()).contains("over the limit of " + MailSize.MAX_BYTES).hasSizeLessThan(1000);
    assertThat(t.invalid.isEmpty()).as("a valid event, not an invalid one").isTrue();
  }
}
