package dev.notifier.sender.config;

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
    assertThat(Limits.builder().ratePerSecond(2.5).build()).as("burst left out: the rate rounded up")
        .isEqualTo(Limits.of(2.5, 3));
  }

  @Test
  void rejectsARateThatIsNotPositive() {
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(0, 5))
        .withMessage("limits.ratePerSecond is 0: set it to the messages per second the provider allows, a number greater than 0 "
            + "(e.g. 0.5 for one every two seconds)");
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(-1.5, 5))
        .withMessageStartingWith("limits.ratePerSecond is -1.5: set it to");
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(Double.NaN, 5))
        .withMessageStartingWith("limits.ratePerSecond is NaN: set it to");
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(Double.POSITIVE_INFINITY, 5))
        .withMessageStartingWith("limits.ratePerSecond is Infinity");
  }

  @Test
  void rejectsAnAbsurdRate() {
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(2e6, 5))
        .withMessage("limits.ratePerSecond is 2000000: set it to at most 1000000 messages per second");
  }

  @Test
  void rejectsABurstBelowOneMessage() {
    assertThatIllegalArgumentException().isThrownBy(() -> Limits.of(5, 0))
        .withMessage("limits.burst is 0: set it to at least 1 (the most messages sent back to back), or leave it out to "
            + "use the rate rounded up");
  }

  @Test
  void rejectsQuotasBelowOneButAcceptsNone() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Limits(5, 5, 0, null))
        .withMessage("limits.perMinute is 0: set it to at least 1, or leave it out for no per-minute cap");
    assertThatIllegalArgumentException().isThrownBy(() -> new Limits(5, 5, null, -3))
        .withMessage("limits.perDay is -3: set it to at least 1, or leave it out for no daily cap");
    assertThat(new Limits(5, 5, null, null).perMinute()).isNull();
  }
}
