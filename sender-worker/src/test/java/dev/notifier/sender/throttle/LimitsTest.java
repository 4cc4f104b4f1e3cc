package dev.notifier.sender.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class LimitsTest {

  @Test
  void builderStartsFromTheDefaultAndKeepsQuotas() {
    Limits limits = Limits.builder().ratePerSecond(2.5).burst(3).perMinute(30).perDay(2000).build();

    assertThat(limits).isEqualTo(new Limits(2.5, 3, 30, 2000));
    assertThat(Limits.builder().build()).isEqualTo(Limits.DEFAULT);
    assertThat(Limits.DEFAULT).isEqualTo(Limits.of(10, 10));
    assertThat(Limits.DEFAULT.perMinute()).isNull();
    assertThat(Limits.DEFAULT.perDay()).isNull();
  }

  @Test
  void rejectsARateThatIsNotPositive() {
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(0, 5))
        .withMessage("limits.ratePerSecond is 0: it must be positive, e.g. 5");
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(-1.5, 5))
        .withMessage("limits.ratePerSecond is -1.5: it must be positive, e.g. 5");
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(Double.NaN, 5))
        .withMessage("limits.ratePerSecond is NaN: it must be positive, e.g. 5");
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(Double.POSITIVE_INFINITY, 5))
        .withMessageStartingWith("limits.ratePerSecond is Infinity");
  }

  @Test
  void rejectsAnAbsurdRate() {
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(2e6, 5))
        .withMessage("limits.ratePerSecond is 2000000: it must be at most 1000000 messages per second");
  }

  @Test
  void rejectsABurstBelowOneMessage() {
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(5, 0))
        .withMessage("limits.burst is 0: it must be at least 1 message, e.g. 10");
  }

  @Test
  void rejectsQuotasBelowOneButAcceptsNone() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Limits(5, 5, 0, null))
        .withMessage("limits.perMinute is 0: it must be at least 1, e.g. 30, or left out for no perMinute quota");
    assertThatIllegalArgumentException().isThrownBy(() -> new Limits(5, 5, null, -3))
        .withMessage("limits.perDay is -3: it must be at least 1, e.g. 2000, or left out for no perDay quota");
    assertThat(new Limits(5, 5, null, null).perMinute()).isNull();
  }
}
