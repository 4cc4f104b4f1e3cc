package dev.notifier.sender.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.notifier.avro.Priority;
import dev.notifier.sender.config.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The throttle on a mock clock: sends are simulated as events (start, then the server's reply after
 * a latency), and the bounds are checked at the instants the sends ended — what the provider counts.
 */
class AccountThrottleTest {

  private static final Duration SECOND = Duration.ofSeconds(1);
  /** The mechanics of the bucket and quotas, without the part kept for critical mail (tested on its own). */
  private static final double NO_RESERVE = 0;
  private static final Limits TWENTY_PER_SECOND_BURST_FIVE = new Limits(20, 5, null, null, NO_RESERVE);

  private final MutableClock clock = new MutableClock();
  private final Instant start = clock.instant();

  @Test
  void burstGoesAtOnceThenTheNextWaitsForOneRefill() {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, clock);
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.tryAcquire(0)).isZero();
      throttle.ended(true, 0, "n" + i, "w");
    }

    Duration wait = throttle.tryAcquire(0);
    assertThat(wait).isEqualTo(Duration.ofMillis(50));
    assertThat(throttle.tryAcquire(0)).as("a refused attempt reserves nothing").isEqualTo(wait);

    clock.advance(wait);
    assertThat(throttle.tryAcquire(0)).isZero();
  }

  @Test
  void aSendInFlightHoldsItsTokenSoNoMoreStartThanTheBucketCanEnd() {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, clock);
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.tryAcquire(0)).isZero();
    }
    assertThat(throttle.inFlight()).isEqualTo(5);
    assertThat(throttle.tryAcquire(0)).as("five in flight need the five tokens the bucket holds")
        .isEqualTo(AccountThrottle.IN_FLIGHT_RECHECK);

    throttle.ended(true, 0, "n", "w");
    assertThat(throttle.availableMilliMessages()).isEqualTo(4_000);
    assertThat(throttle.tryAcquire(0)).as("the bucket is one short of five in flight").isPositive();
    clock.advance(Duration.ofMillis(50));
    assertThat(throttle.tryAcquire(0)).isZero();
  }

  /**
   * The bound the provider sees: with 1, 4 or 8 connections and SMTP transactions of 0-400 ms, the
   * sends that END in any second never exceed rate + burst. Counting at the start (as before) let a
   * pool finish rate + burst + pool size in one second.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 4, 8})
  void sendsEndingInAnySecondNeverExceedRatePlusBurstWhateverThePoolAndLatency(int pool) {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, clock);
    SendLog ends = new SendLog();

    simulate(List.of(throttle), pool, Duration.ofSeconds(30), 400, new Random(pool), ends);

    assertThat(ends.maxInAnyWindow(SECOND)).isLessThanOrEqualTo(20 + 5);
  }

  /**
   * The price of counting at the end: a send holds its token while in flight, so the rate is reached
   * when the burst covers the sends in flight (rate × SMTP latency); with 50 ms transactions it is.
   */
  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void withTransactionsShortNextToTheBurstThePoolReachesTheRate(int pool) {
    AccountThrottle throttle = new AccountThrottle(TWENTY_PER_SECOND_BURST_FIVE, clock);
    SendLog ends = new SendLog();

    simulate(List.of(throttle), pool, Duration.ofSeconds(30), 100, new Random(pool), ends);

    assertThat(ends.maxInAnyWindow(SECOND)).isLessThanOrEqualTo(20 + 5);
    assertThat(ends.size()).isGreaterThan((int) (0.95 * 20 * 30));
  }

  @Test
  void aThirdShareGetsAThirdOfTheRate() {
    AccountThrottle throttle = owning(TWENTY_PER_SECOND_BURST_FIVE, Set.of(0), 3, new QuotaLedger());
    SendLog ends = new SendLog();

    simulate(List.of(throttle), 2, Duration.ofSeconds(30), 40, new Random(1), ends);

    assertThat(ends.size() / 30.0).isCloseTo(20.0 / 3, offset(0.4));
    assertThat(ends.maxInAnyWindow(SECOND)).isLessThanOrEqualTo(7 + 1);
  }

  @Test
  void workersOfUnevenSharesStayWithinTheAccountsLimitTogether() {
    QuotaLedger shared = new QuotaLedger();
    List<AccountThrottle> workers = List.of(
        owning(TWENTY_PER_SECOND_BURST_FIVE, Set.of(0, 1), 5, shared),
        owning(TWENTY_PER_SECOND_BURST_FIVE, Set.of(2, 3), 5, shared),
        owning(TWENTY_PER_SECOND_BURST_FIVE, Set.of(4), 5, shared));
    SendLog ends = new SendLog();

    simulate(workers, 4, Duration.ofSeconds(20), 400, new Random(7), ends);

    assertThat(ends.maxInAnyWindow(SECOND)).isLessThanOrEqualTo(20 + 5);
  }

  @Test
  void perMinuteQuotaIsASlidingWindowOverAcceptedSends() {
    AccountThrottle throttle = new AccountThrottle(new Limits(100, 10, 30, null, NO_RESERVE), clock);
    SendLog ends = new SendLog();

    simulate(List.of(throttle), 4, Duration.ofMinutes(10), 400, new Random(3), ends);

    assertThat(ends.maxInAnyWindow(Duration.ofMinutes(1))).isEqualTo(30);
    assertThat(ends.size()).isBetween(30 * 9, 30 * 10);
  }

  @Test
  void normalAndBulkMailLeaveTheReserveOfTheBurstToCriticalMail() {
    AccountThrottle throttle = new AccountThrottle(new Limits(1, 10, null, null, 0.2), clock);
    for (int i = 0; i < 8; i++) {
      assertThat(throttle.tryAcquire(0, i % 2 == 0 ? Priority.BULK : Priority.NORMAL)).isZero();
      throttle.ended(true, 0, "n" + i, "w");
    }

    assertThat(throttle.tryAcquire(0, Priority.BULK)).as("two of ten kept back").isPositive();
    assertThat(throttle.tryAcquire(0, Priority.NORMAL)).isPositive();
    for (int i = 0; i < 2; i++) {
      assertThat(throttle.tryAcquire(0, Priority.CRITICAL)).isZero();
      throttle.ended(true, 0, "c" + i, "w");
    }
    assertThat(throttle.tryAcquire(0, Priority.CRITICAL)).as("the burst is spent").isPositive();
  }

  @Test
  void normalAndBulkMailLeaveTheReserveOfEachQuotaToCriticalMail() {
    AccountThrottle throttle = new AccountThrottle(new Limits(1000, 1000, 20, null, 0.1), clock);
    int normal = 0;
    while (throttle.tryAcquire(0, Priority.BULK).isZero()) {
      throttle.ended(true, 0, "n" + normal++, "w");
      clock.advance(Duration.ofMillis(10));
    }
    int critical = 0;
    while (throttle.tryAcquire(0, Priority.CRITICAL).isZero()) {
      throttle.ended(true, 0, "c" + critical++, "w");
      clock.advance(Duration.ofMillis(10));
    }

    assertThat(normal).as("the minute's 20 less the reserve of 2").isEqualTo(18);
    assertThat(critical).as("the reserve, and never past the quota").isEqualTo(2);
    assertThat(throttle.tryAcquire(0, Priority.NORMAL)).isPositive();
  }

  @Test
  void the2001stSendOfTheDayWaitsUntilTheFirstIsADayOld() {
    AccountThrottle throttle = new AccountThrottle(new Limits(1000, 1000, null, 2000, NO_RESERVE), clock);
    for (int i = 0; i < 2000; i++) {
      assertThat(throttle.tryAcquire(0)).isZero();
      throttle.ended(true, 0, "n" + i, "w");
      clock.advance(Duration.ofMillis(1));
    }

    Duration wait = throttle.tryAcquire(0);
    assertThat(wait).isEqualTo(Duration.between(clock.instant(), start.plus(Duration.ofDays(1))));
    clock.set(start.plus(Duration.ofDays(1)));
    assertThat(throttle.tryAcquire(0)).isZero();
  }

  @Test
  void aRestartedWorkerCountsTheDaysSendsFromTheUsageTopicNotFromZero() {
    Limits perDay = new Limits(100, 100, null, 50, NO_RESERVE);
    QuotaLedger before = new QuotaLedger();
    AccountThrottle first = owning(perDay, Set.of(0, 1, 2), 3, before);
    List<String[]> usageTopic = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      assertThat(first.tryAcquire(i % 3)).isZero();
      first.ended(true, i % 3, "n" + i, "w1");
      usageTopic.add(new String[] {String.valueOf(i % 3), "n" + i});
      clock.advance(Duration.ofMillis(10));
    }

    // the restarted worker: a new ledger, filled from the usage topic as UsageReader does
    QuotaLedger after = new QuotaLedger();
    for (String[] u : usageTopic) {
      after.add("account", Integer.parseInt(u[0]), u[1], "w1", start);
    }
    AccountThrottle restarted = owning(perDay, Set.of(0, 1, 2), 3, after);
    int sent = 0;
    while (restarted.tryAcquire(sent % 3).isZero()) {
      restarted.ended(true, sent % 3, "m" + sent, "w2");
      sent++;
    }
    assertThat(sent).as("20 left of the day's 50: 7, 7 and 6 of the partitions' parts 17, 17 and 16").isEqualTo(20);
  }

  @Test
  void aMovedPartitionTakesItsUsageAlong() {
    Limits perMinute = new Limits(100, 100, 30, null, NO_RESERVE);
    QuotaLedger a = new QuotaLedger();
    AccountThrottle workerA = owning(perMinute, Set.of(0, 1, 2), 3, a);
    for (int i = 0; i < 30; i++) {
      assertThat(workerA.tryAcquire(i % 3)).isZero();
      workerA.ended(true, i % 3, "n" + i, "a");
    }
    // worker B joins and takes partition 2, whose 10 sends it reads from the usage topic
    QuotaLedger b = new QuotaLedger();
    IntStream.range(0, 30).filter(i -> i % 3 == 2).forEach(i -> b.add("account", 2, "n" + i, "a", start));
    b.caughtUp(true);
    workerA.assign(Set.of(0, 1), 3);
    AccountThrottle workerB = new AccountThrottle("account", perMinute, b, Lease.ALWAYS, clock);
    workerB.assign(Set.of(2), 3);

    assertThat(workerA.tryAcquire(0)).isPositive();
    assertThat(workerB.tryAcquire(2)).as("partition 2's part (10) was used up before it moved").isPositive();
  }

  /**
   * A lone first worker owns all five partitions and has mail of only one of them; a second later
   * two more workers take three partitions and send all they may. The parts (4 a minute each) never
   * add up to more than the quota: with a pool of 20 shared by the first worker's partitions, it
   * would have sent 20 of partition 4's mail, and the others 12 more.
   */
  @Test
  void partitionsMovingAfterOneWasUsedHardNeverLetTheAccountPastItsQuota() {
    Limits perMinute = new Limits(100, 100, 20, null, NO_RESERVE);
    QuotaLedger shared = new QuotaLedger();
    AccountThrottle first = owning(perMinute, Set.of(0, 1, 2, 3, 4), 5, shared);
    int sent = sendWhileAllowed(first, 4);
    assertThat(sent).as("partition 4's part").isEqualTo(4);

    first.assign(Set.of(0, 1), 5);
    AccountThrottle second = owning(perMinute, Set.of(2, 4), 5, shared);
    AccountThrottle third = owning(perMinute, Set.of(3), 5, shared);
    for (int p = 0; p < 5; p++) {
      sent += sendWhileAllowed(p < 2 ? first : p == 3 ? third : second, p);
    }

    assertThat(sent).isEqualTo(20);
  }

  /**
   * The send topic grown from 2 partitions to 4 in a minute whose quota (12) the 2 had used, 6 each: their parts are
   * now 3, and the 6 sends beyond those hold the new partitions back until they leave the window. Without that the
   * new partitions would spend their parts too, and the server would count 18 in the minute.
   */
  @Test
  void aSendTopicGrownWithinTheWindowNeverLetsTheAccountPastItsQuota() {
    Limits perMinute = new Limits(100, 100, 12, null, NO_RESERVE);
    QuotaLedger shared = new QuotaLedger();
    AccountThrottle first = owning(perMinute, Set.of(0, 1), 2, shared);
    int sent = sendWhileAllowed(first, 0) + sendWhileAllowed(first, 1);
    assertThat(sent).as("the two parts of 6").isEqualTo(12);
    Instant used = clock.instant();

    // the rebalance after the growth: the first worker keeps 0 and 1, a second takes 2 and 3
    first.assign(Set.of(0, 1), 4);
    AccountThrottle second = owning(perMinute, Set.of(2, 3), 4, shared);
    for (int p = 0; p < 4; p++) {
      sent += sendWhileAllowed(p < 2 ? first : second, p);
    }
    assertThat(sent).as("never past 12 in the minute").isEqualTo(12);
    assertThat(second.tryAcquire(2)).as("until the first 12 leave the window")
        .isEqualTo(Duration.between(clock.instant(), used.plus(Duration.ofMinutes(1))));

    // once they have, each of the four partitions has its part of 3
    clock.set(used.plus(Duration.ofMinutes(1)));
    int next = 0;
    for (int p = 0; p < 4; p++) {
      next += sendWhileAllowed(p < 2 ? first : second, p);
    }
    assertThat(next).isEqualTo(12);
  }

  /** Sends {@code partition}'s mail until the throttle says wait; how many it sent. */
  private static int sendWhileAllowed(AccountThrottle throttle, int partition) {
    int sent = 0;
    while (throttle.tryAcquire(partition).isZero()) {
      throttle.ended(true, partition, "p" + partition + "-" + sent, "w");
      sent++;
    }
    return sent;
  }

  @Test
  void sendsNothingWithoutPartitionsWithoutALeaseOrBeforeTheUsageIsRead() {
    QuotaLedger ledger = new QuotaLedger();
    Lease lease = new Lease(start.plusSeconds(10));
    AccountThrottle throttle = new AccountThrottle("account", new Limits(10, 10, 30, null, NO_RESERVE), ledger, lease, clock);
    assertThat(throttle.tryAcquire(0)).as("no partitions").isEqualTo(AccountThrottle.RECHECK);

    throttle.assign(Set.of(0), 1);
    clock.advance(SECOND);
    assertThat(throttle.tryAcquire(0)).as("usage topic not read yet").isEqualTo(AccountThrottle.RECHECK);

    ledger.caughtUp(true);
    assertThat(throttle.tryAcquire(0)).isZero();
    throttle.ended(true, 0, "n", "w");

    clock.advance(Duration.ofSeconds(10));
    assertThat(throttle.tryAcquire(0)).as("the lease ran out: the group may have moved the partitions")
        .isEqualTo(AccountThrottle.RECHECK);
  }

  @Test
  void aBucketSmallerThanOneMessageSendsOneAtATimeAtItsShareOfTheRate() {
    AccountThrottle throttle = owning(Limits.of(4, 1), Set.of(0), 4, new QuotaLedger()); // 1/s, capacity 0.25
    SendLog ends = new SendLog();

    simulate(List.of(throttle), 2, Duration.ofSeconds(60), 400, new Random(5), ends);

    // one at a time, each waiting for the bucket to refill after the last one ended: 1/(1 s + latency)
    assertThat(ends.size()).isBetween(45, 61);
    assertThat(ends.maxInAnyWindow(SECOND)).isLessThanOrEqualTo(2);
  }

  private AccountThrottle owning(Limits limits, Set<Integer> partitions, int total, QuotaLedger ledger) {
    ledger.caughtUp(true);
    AccountThrottle throttle = new AccountThrottle("account", limits, ledger, Lease.ALWAYS, clock);
    throttle.assign(partitions, total);
    clock.advance(SECOND); // a worker's first assignment starts with an empty bucket: let it fill
    return throttle;
  }

  /**
   * Each worker runs {@code pool} connections; a connection asks its throttle, and when allowed
   * sends for a random 0 to {@code maxLatencyMs}, then reports the end. The clock jumps from event to event.
   */
  private void simulate(List<AccountThrottle> workers, int pool, Duration duration, int maxLatencyMs, Random random,
      SendLog ends) {
    record Event(Instant at, int worker, boolean ending, int seq) {
    }
    PriorityQueue<Event> events = new PriorityQueue<>((x, y) -> x.at().equals(y.at())
        ? Integer.compare(x.seq(), y.seq()) : x.at().compareTo(y.at()));
    int[] seq = {0};
    for (int w = 0; w < workers.size(); w++) {
      for (int c = 0; c < pool; c++) {
        events.add(new Event(clock.instant(), w, false, seq[0]++));
      }
    }
    Instant end = clock.instant().plus(duration);
    while (!events.isEmpty()) {
      Event e = events.poll();
      if (!e.at().isBefore(end) && !e.ending()) {
        continue;
      }
      clock.set(e.at());
      AccountThrottle throttle = workers.get(e.worker());
      if (e.ending()) {
        throttle.ended(true, e.worker(), "n" + e.seq(), "w" + e.worker());
        ends.add(clock.instant());
        events.add(new Event(clock.instant(), e.worker(), false, seq[0]++));
        continue;
      }
      Duration wait = throttle.tryAcquire(e.worker());
      if (wait.isZero()) {
        events.add(new Event(clock.instant().plusMillis(random.nextInt(maxLatencyMs + 1)), e.worker(), true, seq[0]++));
      } else {
        events.add(new Event(clock.instant().plus(wait), e.worker(), false, seq[0]++));
      }
    }
    assertThat(workers.stream().map(AccountThrottle::inFlight).collect(Collectors.toSet())).containsOnly(0);
  }
}
