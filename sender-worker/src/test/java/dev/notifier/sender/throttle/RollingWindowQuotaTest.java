package dev.notifier.sender.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RollingWindowQuotaTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Test
  void allowsTheQuotaThenWaitsExactlyUntilTheOldestSendLeavesTheWindow() {
    RollingWindowQuota quota = new RollingWindowQuota("perMinute", 3, MINUTE, 1);
    quota.record(T0);
    quota.record(T0.plusSeconds(10));
    quota.record(T0.plusSeconds(20));

    assertThat(quota.waitTime(T0.plusSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    assertThat(quota.waitTime(T0.plusSeconds(60).minusNanos(1))).isEqualTo(Duration.ofNanos(1));
    assertThat(quota.waitTime(T0.plusSeconds(60))).isZero();
  }

  @Test
  void isASlidingWindowNotAFixedCycle() {
    RollingWindowQuota quota = new RollingWindowQuota("perMinute", 2, MINUTE, 1);
    quota.record(T0.plusSeconds(59));
    quota.record(T0.plusSeconds(59));

    // A fixed one-minute cycle would start afresh at T0 + 60 s; the sliding window does not.
    assertThat(quota.waitTime(T0.plusSeconds(61))).isEqualTo(Duration.ofSeconds(58));
  }

  @Test
  void keepsNoMoreEntriesThanTheLimit() {
    RollingWindowQuota quota = new RollingWindowQuota("perDay", 2000, Duration.ofDays(1), 1);
    for (int i = 0; i < 5000; i++) {
      quota.record(T0.plusMillis(i));
    }
    // Only the newest 2,000 decide: the oldest of them was sent at T0 + 3,000 ms.
    assertThat(quota.waitTime(T0.plusSeconds(10)))
        .isEqualTo(Duration.between(T0.plusSeconds(10), T0.plusMillis(3000).plus(Duration.ofDays(1))));
  }

  @Test
  void aShareTakesTheRoundedDownSlice() {
    RollingWindowQuota quota = new RollingWindowQuota("perMinute", 30, MINUTE, 1.0 / 3);
    assertThat(quota.limit()).isEqualTo(10);
    assertThat(quota.window()).isEqualTo(MINUTE);

    quota.setShare(0.25);
    assertThat(quota.limit()).isEqualTo(7);
  }

  @Test
  void aSliceBelowOneMessageStretchesTheWindowInsteadOfStarving() {
    RollingWindowQuota quota = new RollingWindowQuota("perMinute", 2, MINUTE, 0.25);

    assertThat(quota.limit()).isEqualTo(1);
    assertThat(quota.window()).isEqualTo(Duration.ofMinutes(2));
    quota.record(T0);
    assertThat(quota.waitTime(T0)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aSmallerShareKeepsCountingEarlierSends() {
    RollingWindowQuota quota = new RollingWindowQuota("perMinute", 10, MINUTE, 1);
    for (int i = 0; i < 6; i++) {
      quota.record(T0.plusSeconds(i));
    }
    quota.setShare(0.5); // limit 5: the newest five were sent at 1..5 s

    assertThat(quota.waitTime(T0.plusSeconds(10))).isEqualTo(Duration.ofSeconds(51));
  }

  @Test
  void rejectsAShareOutsideZeroToOne() {
    RollingWindowQuota quota = new RollingWindowQuota("perMinute", 10, MINUTE, 1);
    assertThatIllegalArgumentException().isThrownBy(() -> quota.setShare(0))
        .withMessage("perMinute share is 0.0: it must be in (0, 1]");
  }
}
