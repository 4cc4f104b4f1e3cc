package dev.notifier.sender.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.data.Offset.offset;

import dev.notifier.sender.config.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class AccountThrottleTest {

  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Limits TWENTY_PER_SECOND_BURST_FIVE = Limits.of(20, 5);

  private final MutableClock clock = new MutableClock();
  private final Instant start = clock.instant();

  @Test
  void burstGoesAtOnceThenTheNextWaitsForOneRefill() {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, clock);
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.tryAcquire()).isZero();
    }

    Duration wait = throttle.tryAcquire();
    assertThat(wait).isEqualTo(Duration.ofMillis(50));
    assertThat(throttle.tryAcquire()).as("a refused attempt consumes nothing").isEqualTo(wait);

    clock.advance(wait);
    assertThat(throttle.tryAcquire()).isZero();
    assertThat(throttle.tryAcquire()).isPositive();
  }

  @Test
  void tenSecondsNeverExceedRatePlusBurstInAnySecondAndKeepTheRate() {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, clock);
    SendLog log = new SendLog();

    runFor(throttle, Duration.ofSeconds(10), log);

    assertThat(log.maxInAnyWindow(SECOND)).isLessThanOrEqualTo(20 + 5);
    assertThat(log.size()).isGreaterThanOrEqualTo((int) (0.95 * 20 * 10)).isLessThanOrEqualTo(20 * 10 + 5);
  }

  @Test
  void aThirdShareGetsAThirdOfTheRateAndOfTheBurst() {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, 1.0 / 3, clock);

    assertThat(throttle.tryAcquire()).isZero();
    Duration wait = throttle.tryAcquire(); // 0.666 messages left of 1.666; 0.334 more at 6.67/s
    assertThat(wait).isBetween(Duration.ofMillis(49), Duration.ofMillis(51));

    SendLog log = new SendLog();
    clock.advance(wait);
    runFor(throttle, Duration.ofSeconds(30), log);
    assertThat(log.size() / 30.0).isCloseTo(20.0 / 3, offset(0.1));
    assertThat(log.maxInAnyWindow(SECOND)).isLessThanOrEqualTo(7 + 1);
  }

  @Test
  void workersWhoseSharesAddUpToOneStayWithinTheAccountsLimitTogether() {
    List<AccountThrottle> workers = List.of(
        new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, 0.5, clock),
        new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, 1.0 / 3, clock),
        new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, 1.0 / 6, clock));
    SendLog log = new SendLog();

    runTogether(workers, Duration.ofSeconds(10), log);

    assertThat(log.maxInAnyWindow(SECOND)).isLessThanOrEqualTo(20 + 5);
    assertThat(log.size()).isGreaterThanOrEqualTo((int) (0.95 * 20 * 10));
  }

  @Test
  void perMinuteQuotaIsASlidingWindowAndTheNextSendWaitsForTheFirstToExpire() {
    AccountThrottle throttle = new AccountThrottle(new Limits(100, 10, 30, null), clock);
    SendLog log = new SendLog();
    Instant first = clock.instant();
    Duration wait = Duration.ZERO;
    while (log.size() < 30) {
      wait = throttle.tryAcquire();
      if (wait.isZero()) {
        log.add(clock.instant());
      } else {
        clock.advance(wait);
      }
    }

    wait = throttle.tryAcquire();
    assertThat(wait).isEqualTo(Duration.between(clock.instant(), first.plus(Duration.ofMinutes(1))));
    clock.advance(wait.minusNanos(1));
    assertThat(throttle.tryAcquire()).isEqualTo(Duration.ofNanos(1));
    clock.advance(Duration.ofNanos(1));
    assertThat(throttle.tryAcquire()).isZero();

    log.add(clock.instant());
    runFor(throttle, Duration.ofMinutes(10), log);
    assertThat(log.maxInAnyWindow(Duration.ofMinutes(1))).isEqualTo(30);
    assertThat(log.size()).isBetween(30 * 10, 30 * 11 + 1);
  }

  @Test
  void perDayQuotaHoldsOverDaysOfSimulatedTime() {
    AccountThrottle throttle = new AccountThrottle(new Limits(100, 100, null, 2000), clock);
    SendLog log = new SendLog();

    runFor(throttle, Duration.ofDays(3), log);

    assertThat(log.maxInAnyWindow(Duration.ofDays(1))).isEqualTo(2000);
    assertThat(log.size()).isEqualTo(3 * 2000);
    assertThat(log.between(start, start.plus(Duration.ofDays(1)))).isEqualTo(2000);
  }

  @Test
  void the2001stSendOfTheDayWaitsExactlyUntilTheFirstIsADayOld() {
    AccountThrottle throttle = new AccountThrottle(new Limits(1000, 1000, null, 2000), clock);
    SendLog log = new SendLog();
    runFor(throttle, Duration.ofMinutes(1), log);
    assertThat(log.size()).isEqualTo(2000);

    Duration wait = throttle.tryAcquire();
    assertThat(wait).isEqualTo(Duration.between(clock.instant(), start.plus(Duration.ofDays(1))));
    clock.set(start.plus(Duration.ofDays(1)));
    assertThat(throttle.tryAcquire()).isZero();
  }

  @Test
  void shareZeroSendsNothingAndTakesNothing() {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, clock);
    throttle.setShare(0);

    for (int i = 0; i < 3; i++) {
      assertThat(throttle.tryAcquire()).isEqualTo(AccountThrottle.RECHECK_WHEN_UNASSIGNED);
    }
    assertThat(throttle.share()).isZero();

    // a share given after none starts with an empty bucket: no burst the previous owner may have spent
    throttle.setShare(1);
    Duration wait = throttle.tryAcquire();
    assertThat(wait).isEqualTo(Duration.ofMillis(50));
    clock.advance(wait);
    assertThat(throttle.tryAcquire()).isZero();
    assertThat(throttle.tryAcquire()).isPositive();
  }

  @Test
  void aThrottleCreatedWithShareZeroStartsWhenGivenAShare() {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, 0, clock);
    assertThat(throttle.tryAcquire()).isEqualTo(AccountThrottle.RECHECK_WHEN_UNASSIGNED);

    throttle.setShare(0.5);
    Duration wait = throttle.tryAcquire(); // starts empty, refills at 10 messages/s
    assertThat(wait).isEqualTo(Duration.ofMillis(100));
    clock.advance(wait);
    assertThat(throttle.tryAcquire()).isZero();
    assertThat(throttle.tryAcquire()).isPositive();
  }

  @Test
  void aLargerShareBringsAFasterRefillButNoExtraTokens() {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, 1.0 / 3, clock);
    throttle.setShare(1);

    int immediate = 0;
    while (throttle.tryAcquire().isZero()) {
      immediate++;
    }
    assertThat(immediate).as("the 5/3 tokens the smaller share had, not a fresh burst of 5").isEqualTo(1);
  }

  @Test
  void aLowerShareMidRunLowersTheRateAndNeverKeepsMoreThanTheNewCapacity() {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, clock);
    SendLog log = new SendLog();
    runFor(throttle, Duration.ofSeconds(5), log);
    clock.advance(Duration.ofSeconds(1)); // idle: the bucket fills up to 5 messages

    throttle.setShare(0.25);
    assertThat(throttle.availableMilliMessages()).isLessThanOrEqualTo(1250);
    Instant changed = clock.instant();
    runFor(throttle, Duration.ofSeconds(10), log);

    long after = log.between(changed, changed.plus(Duration.ofSeconds(10)));
    assertThat(after).isBetween(45L, 5L * 10 + 2);
    assertThat(log.between(start, start.plus(Duration.ofSeconds(5)))).isGreaterThanOrEqualTo(95);
  }

  @Test
  void aCapacityBelowOneMessageStillSendsAtItsShareOfTheRate() {
    AccountThrottle throttle = new AccountThrottle(Limits.of(4, 1), 0.25, clock); // 1/s, capacity 0.25

    SendLog log = new SendLog();
    assertThat(throttle.tryAcquire()).isZero();
    log.add(clock.instant());
    assertThat(throttle.tryAcquire()).isEqualTo(SECOND); // the bucket is 0.75 messages in debt

    runFor(throttle, Duration.ofSeconds(60), log);
    assertThat(log.size()).isEqualTo(60);
    assertThat(log.maxInAnyWindow(SECOND)).isEqualTo(1);
  }

  @Test
  void aRebalanceWhileTheBucketIsInDebtKeepsItInDebt() {
    AccountThrottle throttle = new AccountThrottle(Limits.of(4, 1), 0.25, clock);
    assertThat(throttle.tryAcquire()).isZero();

    throttle.setShare(0.5); // 2/s, capacity 0.5 messages

    assertThat(throttle.availableMilliMessages()).isNegative();
    Duration wait = throttle.tryAcquire();
    assertThat(wait).isPositive();
    clock.advance(wait);
    assertThat(throttle.tryAcquire()).isZero();
  }

  @Test
  void concurrentSendersShareOneBucket() throws Exception {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, clock);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Callable<Integer>> senders = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        senders.add(() -> {
          go.await();
          int acquired = 0;
          for (int i = 0; i < 100; i++) {
            acquired += throttle.tryAcquire().isZero() ? 1 : 0;
          }
          return acquired;
        });
      }
      List<Future<Integer>> results = new ArrayList<>();
      senders.forEach(s -> results.add(pool.submit(s)));
      go.countDown();
      int total = 0;
      for (Future<Integer> result : results) {
        total += result.get();
      }
      assertThat(total).isEqualTo(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectsAShareOutsideZeroToOne() {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, clock);
    assertThatIllegalArgumentException().isThrownBy(() -> throttle.setShare(1.5))
        .withMessage("share is 1.5: it must be between 0 and 1 (owned send partitions / all send partitions)");
    assertThatIllegalArgumentException().isThrownBy(() -> new AccountThrottle(Limits.DEFAULT, -0.1, clock))
        .withMessageStartingWith("share is -0.1");
  }

  /** Sends whenever allowed, otherwise moves the clock by the wait, until {@code duration} has passed. */
  private void runFor(AccountThrottle throttle, Duration duration, SendLog log) {
    Instant end = clock.instant().plus(duration);
    while (clock.instant().isBefore(end)) {
      Duration wait = throttle.tryAcquire();
      if (wait.isZero()) {
        log.add(clock.instant());
      } else {
        clock.advance(wait);
      }
    }
  }

  /** Each worker retries when its own wait is over; the clock jumps to the earliest retry. */
  private void runTogether(List<AccountThrottle> workers, Duration duration, SendLog log) {
    Instant end = clock.instant().plus(duration);
    Instant[] next = new Instant[workers.size()];
    Arrays.fill(next, clock.instant());
    while (true) {
      int due = 0;
      for (int i = 1; i < next.length; i++) {
        due = next[i].isBefore(next[due]) ? i : due;
      }
      if (!next[due].isBefore(end)) {
        return;
      }
      clock.set(next[due]);
      Duration wait = workers.get(due).tryAcquire();
      if (wait.isZero()) {
        log.add(clock.instant());
      }
      next[due] = clock.instant().plus(wait);
    }
  }
}
