package dev.notifier.sender.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.notifier.sender.config.Limits;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ThrottlesTest {

  private final MutableClock clock = new MutableClock();
  private final Limits qq = new Limits(1, 2, 30, 2000);
  private final QuotaLedger ledger = new QuotaLedger();
  private final Throttles throttles = new Throttles(Map.of("qq", qq), ledger, Lease.ALWAYS, clock);

  @Test
  void oneThrottlePerAccountWithItsLimitsOrTheDefault() {
    assertThat(throttles.forAccount("qq")).isSameAs(throttles.forAccount("qq"));
    assertThat(throttles.forAccount("qq").limits()).isEqualTo(qq);
    assertThat(throttles.forAccount("relay").limits()).isEqualTo(Limits.DEFAULT);
    assertThat(throttles.anyQuota()).isTrue();
  }

  @Test
  void sendsNothingBeforeTheFirstAssignment() {
    assertThat(throttles.forAccount("qq").tryAcquire(0)).isEqualTo(AccountThrottle.RECHECK);
  }

  @Test
  void anAssignmentSetsTheShareOfExistingAndLaterThrottles() {
    AccountThrottle existing = throttles.forAccount("qq");

    throttles.onAssignment(Set.of(0, 1, 2), 12);

    assertThat(throttles.share()).isEqualTo(0.25);
    assertThat(existing.share()).isEqualTo(0.25);
    assertThat(throttles.forAccount("relay").share()).isEqualTo(0.25);

    throttles.onAssignment(Set.of(), 12);
    assertThat(existing.tryAcquire(0)).isEqualTo(AccountThrottle.RECHECK);
  }

  @Test
  void rejectsImpossiblePartitionCounts() {
    assertThatIllegalArgumentException().isThrownBy(() -> throttles.onAssignment(Set.of(), 0))
        .withMessage("totalSendPartitions is 0: it must be at least 1, the partition count of the send topic");
    assertThatIllegalArgumentException().isThrownBy(() -> throttles.forAccount("qq").assign(Set.of(1, 2, 3), 2))
        .withMessageStartingWith("owning 3 of 2 send partitions");
  }
}
