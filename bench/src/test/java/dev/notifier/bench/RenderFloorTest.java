package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RenderFloorTest {

  @Test
  void everyEventIsRenderedForItsThreeRecipientsAndSerialized() {
    RenderFloor.Result r = new RenderFloor().run(Duration.ofMillis(300));
    assertThat(r.events()).isPositive();
    // three notifications of over 1 KB (text and HTML bodies) and three statuses per event
    assertThat(r.bytes()).isGreaterThan(r.events() * 3 * 1_000);
    assertThat(r.cpuNanos()).isPositive();
  }
}
