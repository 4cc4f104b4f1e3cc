package dev.notifier.sender.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.notifier.sender.config.Limits;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThrottlesTest {

  private final MutableClock clock = new MutableClock();
  private final Limits qq = new Limits(1, 2, 30, 2000);
  private final Throttles throttles = new Throttles(Map.of("qq", qq), clock);

  @Test
  void oneThrottlePerAccountWithItsLimitsOrTheDefault() {
    assertThat(throttles.forAccount("qq")).isSameAs(throttles.forAccount("qq"));
    assertThat(throttles.forAccount("qq").limits()).isEqualTo(qq);
    assertThat(throttles.forAccount("relay").limits()).isEqualTo(Limits.DEFAULT);
  }

  @Test
  void sendsNothingBeforeTheFirstAssignment() {
    assertThat(throttles.forAccount("qq").tryAcquire()).isEqualTo(AccountThrottle.RECHECK_WHEN_UNASSIGNED);
  }

  @Test
  void anAssignmentSetsTheShareOfExistingAndLaterThrottles() {
    AccountThrottle existing = throttles.forAccount("qq");

    throttles.onAssignment(3, 12);

    assertThat(throttles.share()).isEqualTo(0.25);
    assertThat(existing.share()).isEqualTo(0.25);
    assertThat(throttles.forAccount("relay").share()).isEqualTo(0.25);

    throttles.onAssignment(0, 12);
    assertThat(existing.tryAcquire()).isEqualTo(AccountThrottle.RECHECK_WHEN_UNASSIGNED);
  }

  @Test
  void rejectsImpossiblePartitionCounts() {
    assertThatIllegalArgumentException().isThrownBy(() -> throttles.onAssignment(0, 0))
        .withMessage("totalSendPartitions is 0: it must be at least 1, the partition count of the send topic");
    assertThatIllegalArgumentException().isThrownBy(() -> throttles.onAssignment(7, 6))
        .withMessage("ownedSendPartitions is 7: it must be between 0 and totalSendPartitions (6)");
  }
}
