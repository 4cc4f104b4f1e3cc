package dev.notifier.sender.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

  private static final DoubleSupplier SHORTEST = () -> 0.0;
  private static final DoubleSupplier MIDDLE = () -> 0.5;
  private static final DoubleSupplier LONGEST = () -> 1.0;
  private static final Instant FIRST_FAILURE = Instant.parse("2030-01-01T00:00:00Z");

  private final BackoffPolicy defaults = BackoffPolicy.builder().build();

  @Test
  void defaultsAreOneSecondDoublingUpToTenMinutesForADay() {
    assertThat(defaults.minDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.maxDelay()).isEqualTo(Duration.ofMinutes(10));
    assertThat(defaults.multiplier()).isEqualTo(2.0);
    assertThat(defaults.jitter()).isEqualTo(0.2);
    assertThat(defaults.lifetime()).isEqualTo(Duration.ofHours(24));
    assertThat(defaults.maxAttempts()).isEmpty();
  }

  @Test
  void growsExponentiallyAndIsCappedAtTheMaximum() {
    BackoffPolicy noJitter = BackoffPolicy.builder().jitter(0).build();

    List<Long> seconds = IntStream.rangeClosed(1, 12)
        .mapToObj(attempt -> noJitter.delayFor(attempt, MIDDLE).toSeconds()).toList();

    assertThat(seconds).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 600L, 600L);
  }

  @Test
  void jitterSpreadsTheDelayByTheConfiguredFraction() {
    assertThat(defaults.delayFor(3, SHORTEST)).isEqualTo(Duration.ofMillis(3200));
    assertThat(defaults.delayFor(3, MIDDLE)).isEqualTo(Duration.ofSeconds(4));
    assertThat(defaults.delayFor(3, LONGEST)).isEqualTo(Duration.ofMillis(4800));
  }

  @Test
  void jitterNeverTakesTheDelayBelowTheMinimumNorAboveTheMaximum() {
    assertThat(defaults.delayFor(1, SHORTEST)).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.delayFor(1, LONGEST)).isEqualTo(Duration.ofMillis(1200));
    assertThat(defaults.delayFor(30, LONGEST)).isEqualTo(Duration.ofMinutes(10));
    assertThat(defaults.delayFor(30, SHORTEST)).isEqualTo(Duration.ofMinutes(8));
  }

  @Test
  void aHugeAttemptCountStaysAtTheMaximum() {
    assertThat(defaults.delayFor(Integer.MAX_VALUE, LONGEST)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void theNextAttemptIsNowPlusTheDelay() {
    Instant now = FIRST_FAILURE.plus(Duration.ofHours(1));

    assertThat(defaults.nextAttemptAt(4, FIRST_FAILURE, now, MIDDLE)).contains(now.plusSeconds(8));
  }

  @Test
  void noAttemptFallsPastTheLifetimeBudget() {
    Instant nearTheEnd = FIRST_FAILURE.plus(Duration.ofHours(24)).minusSeconds(30);

    assertThat(defaults.nextAttemptAt(20, FIRST_FAILURE, nearTheEnd, SHORTEST)).isEmpty();
    assertThat(defaults.nextAttemptAt(1, FIRST_FAILURE, nearTheEnd, MIDDLE)).contains(nearTheEnd.plusSeconds(1));
  }

  @Test
  void anAttemptExactlyAtTheDeadlineIsStillMade() {
    Instant deadline = FIRST_FAILURE.plus(Duration.ofHours(24));

    assertThat(defaults.nextAttemptAt(1, FIRST_FAILURE, deadline.minusSeconds(1), MIDDLE)).contains(deadline);
  }

  @Test
  void expiresOnceTheLifetimeHasPassed() {
    assertThat(defaults.deadline(FIRST_FAILURE)).isEqualTo(FIRST_FAILURE.plus(Duration.ofHours(24)));
    assertThat(defaults.expired(FIRST_FAILURE, FIRST_FAILURE.plus(Duration.ofHours(24)).minusMillis(1))).isFalse();
    assertThat(defaults.expired(FIRST_FAILURE, FIRST_FAILURE.plus(Duration.ofHours(24)))).isTrue();
  }

  @Test
  void maxAttemptsCountsTheFirstAttempt() {
    BackoffPolicy three = BackoffPolicy.builder().maxAttempts(3).build();

    assertThat(three.nextAttemptAt(2, FIRST_FAILURE, FIRST_FAILURE, MIDDLE)).isPresent();
    assertThat(three.nextAttemptAt(3, FIRST_FAILURE, FIRST_FAILURE, MIDDLE)).isEmpty();
  }

  @Test
  void rejectsAnAttemptBelowOneAndARandomOutsideZeroToOne() {
    assertThatThrownBy(() -> defaults.delayFor(0, MIDDLE)).hasMessage("attempt is 0: it counts failed attempts from 1");
    assertThatThrownBy(() -> defaults.delayFor(1, () -> 1.5)).hasMessageContaining("random gave 1.5");
    assertThatThrownBy(() -> defaults.delayFor(1, () -> Double.NaN)).hasMessageContaining("random gave NaN");
  }

  @Test
  void theBuilderNamesTheBadValue() {
    assertThatThrownBy(() -> BackoffPolicy.builder().minDelay(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retry.minDelay is PT0S: it must be positive, e.g. PT1S");
    assertThatThrownBy(() -> BackoffPolicy.builder().maxDelay(Duration.ofSeconds(-5)).build())
        .hasMessage("retry.maxDelay is PT-5S: it must be positive, e.g. PT10M");
    assertThatThrownBy(() -> BackoffPolicy.builder().lifetime(Duration.ZERO).build())
        .hasMessage("retry.lifetime is PT0S: it must be positive, e.g. PT24H");
    assertThatThrownBy(() -> BackoffPolicy.builder().minDelay(Duration.ofMinutes(5)).maxDelay(Duration.ofMinutes(1))
        .build()).hasMessageStartingWith("retry.maxDelay is PT1M, below retry.minDelay PT5M");
    assertThatThrownBy(() -> BackoffPolicy.builder().minDelay(Duration.ofHours(2)).maxDelay(Duration.ofHours(2))
        .lifetime(Duration.ofHours(1)).build())
        .hasMessageStartingWith("retry.minDelay is PT2H, longer than retry.lifetime PT1H");
    assertThatThrownBy(() -> BackoffPolicy.builder().maxDelay(Duration.ofDays(400)).build())
        .hasMessageStartingWith("retry.maxDelay is PT9600H: it must be at most PT8760H");
    assertThatThrownBy(() -> BackoffPolicy.builder().multiplier(0.5).build())
        .hasMessageStartingWith("retry.multiplier is 0.5: it must be a number of at least 1.0");
    assertThatThrownBy(() -> BackoffPolicy.builder().multiplier(Double.NaN).build())
        .hasMessageStartingWith("retry.multiplier is NaN");
    assertThatThrownBy(() -> BackoffPolicy.builder().jitter(1.0).build())
        .hasMessageStartingWith("retry.jitter is 1.0: it must be at least 0 and below 1");
    assertThatThrownBy(() -> BackoffPolicy.builder().jitter(-0.1).build())
        .hasMessageStartingWith("retry.jitter is -0.1");
    assertThatThrownBy(() -> BackoffPolicy.builder().maxAttempts(0).build())
        .hasMessageStartingWith("retry.maxAttempts is 0: it must be at least 1");
    assertThatThrownBy(() -> BackoffPolicy.builder().minDelay(null).build())
        .hasMessage("retry.minDelay is missing: set it, e.g. PT1S");
  }

  @Test
  void readsFromConfigThroughTheValidatingBuilder() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    BackoffPolicy policy = yaml.readValue("multiplier: 3.0\njitter: 0.1\nmaxAttempts: 5\n", BackoffPolicy.class);

    assertThat(policy.multiplier()).isEqualTo(3.0);
    assertThat(policy.jitter()).isEqualTo(0.1);
    assertThat(policy.maxAttempts()).hasValue(5);
    assertThat(policy.minDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> yaml.readValue("jitter: 1.5\n", BackoffPolicy.class))
        .hasMessageContaining("retry.jitter is 1.5");
  }
}
