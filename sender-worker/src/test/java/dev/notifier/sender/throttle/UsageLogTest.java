package dev.notifier.sender.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The log's cursors give the count a walk of the whole log gives, whatever the order of the calls. */
class UsageLogTest {

  @Test
  void countsFromAnyMomentMatchAWalkOfEverySendThroughAddsRemovalsTrimsAndWindowsMovingBothWays() {
    Random random = new Random(20261207);
    UsageLog log = new UsageLog();
    List<Long> sends = new ArrayList<>();
    long now = 1_000_000;
    for (int step = 0; step < 20_000; step++) {
      now += random.nextInt(5);
      int op = random.nextInt(10);
      if (op < 4) {
        // mostly now; sometimes a reservation's latest moment ahead, or an acceptance a little in the past
        long at = op == 0 ? now + random.nextInt(2_000) : op == 1 ? now - random.nextInt(500) : now;
        log.add(at);
        sends.add(at);
      } else if (op == 4 && !sends.isEmpty()) {
        long at = sends.remove(random.nextInt(sends.size()));
        log.remove(at);
      } else if (op == 5 && random.nextInt(50) == 0) {
        long oldest = now - 3_000;
        log.trim(oldest);
        sends.removeIf(t -> t < oldest);
      } else {
        // the windows of a minute and a day quota moving forward, and now and then one set back or new
        long window = random.nextInt(20) == 0 ? random.nextInt(3_000) : op % 2 == 0 ? 600 : 2_500;
        long since = now - window + 1;
        long expected = sends.stream().filter(t -> t >= since).count();
        assertThat(log.countFrom(since)).as("sends since %d at step %d", since, step).isEqualTo(expected);
      }
    }
  }

  @Test
  void removingASendThatIsNotThereChangesNoCount() {
    UsageLog log = new UsageLog();
    log.add(10);
    assertThat(log.countFrom(5)).isEqualTo(1);

    log.remove(11);

    assertThat(log.countFrom(5)).isEqualTo(1);
    assertThat(log.countFrom(0)).isEqualTo(1);
  }
}
