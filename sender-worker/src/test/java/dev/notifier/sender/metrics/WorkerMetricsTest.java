package dev.notifier.sender.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Priority;
import dev.notifier.sender.config.BreakerSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.guard.AccountGuard;
import dev.notifier.sender.throttle.AccountThrottle;
import dev.notifier.sender.throttle.MutableClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worker's meters: names and tags, bounded tag values, and gauges that follow the breaker and the bucket. */
class WorkerMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WorkerMetrics metrics = new WorkerMetrics(registry, List.of("company", "backup"));

  @Test
  void outcomesAreCountedPerAccountWithCappedAttemptsAndUnknownAccountsPooled() {
    WorkerMetrics.AccountMeters company = metrics.account("company");
    company.sent();
    company.retried(1);
    company.retried(2);
    company.retried(10);
    company.retried(37);
    company.deadLettered("DEAD_RECIPIENT");
    company.deadLettered("DEAD_RECIPIENT");
    metrics.account("no-such-account").deadLettered("UNKNOWN_ACCOUNT");
    company.smtpTook(Duration.ofMillis(40).toNanos());

    assertThat(count(WorkerMetrics.SENDS, "account", "company", "outcome", "sent")).isEqualTo(1);
    assertThat(count(WorkerMetrics.SENDS, "account", "company", "outcome", "retry")).isEqualTo(4);
    assertThat(count(WorkerMetrics.SENDS, "account", "company", "outcome", "dead")).isEqualTo(2);
    assertThat(count(WorkerMetrics.SENDS, "account", "backup", "outcome", "sent")).as("registered up front").isZero();
    assertThat(count(WorkerMetrics.RETRIES, "account", "company", "attempt", "1")).isEqualTo(1);
    assertThat(count(WorkerMetrics.RETRIES, "account", "company", "attempt", "2")).isEqualTo(1);
    assertThat(count(WorkerMetrics.RETRIES, "account", "company", "attempt", "10+")).isEqualTo(2);
    assertThat(registry.find(WorkerMetrics.RETRIES).counters()).hasSize(3);
    assertThat(count(WorkerMetrics.DEAD_LETTERS, "account", "company", "class", "DEAD_RECIPIENT")).isEqualTo(2);
    assertThat(count(WorkerMetrics.DEAD_LETTERS, "account", WorkerMetrics.UNKNOWN_ACCOUNT, "class",
        "UNKNOWN_ACCOUNT")).isEqualTo(1);
    Timer smtp = registry.get(WorkerMetrics.SMTP_SEND).tag("account", "company").timer();
    assertThat(smtp.count()).isEqualTo(1);
    assertThat(smtp.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(40.0);
  }

  @Test
  void theDeliveryDelayIsTimedPerPriorityInBucketsUpToADayAndAClockAheadCountsAsNone() {
    WorkerMetrics.AccountMeters company = metrics.account("company");
    company.delivered(Priority.CRITICAL, Duration.ofMillis(80));
    company.delivered(Priority.BULK, Duration.ofMinutes(7));
    company.delivered(Priority.BULK, Duration.ofSeconds(-2));

    Timer critical = delay("CRITICAL");
    assertThat(critical.count()).isEqualTo(1);
    assertThat(bucket(critical, Duration.ofMillis(100))).isEqualTo(1);
    Timer bulk = delay("BULK");
    assertThat(bulk.count()).isEqualTo(2);
    assertThat(bulk.totalTime(TimeUnit.SECONDS)).as("the negative one counts as none").isEqualTo(420.0);
    assertThat(bucket(bulk, Duration.ofMinutes(5))).isEqualTo(1);
    assertThat(bucket(bulk, Duration.ofMinutes(10))).isEqualTo(2);
    assertThat(delay("NORMAL").count()).as("registered up front").isZero();
    assertThat(bulk.takeSnapshot().histogramCounts()).extracting(c -> Duration.ofNanos((long) c.bucket()))
        .containsExactlyElementsOf(WorkerMetrics.DELAY_BUCKETS);
    assertThat(WorkerMetrics.DELAY_BUCKETS.get(WorkerMetrics.DELAY_BUCKETS.size() - 1)).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void breakerGaugesShowOneForTheCurrentStateOnly() {
    MutableClock clock = new MutableClock(Instant.parse("2024-05-01T00:00:00Z"));
    AccountGuard guard = new AccountGuard("company", BreakerSettings.defaults(), clock);
    metrics.bindAccount("company", guard, new AccountThrottle(new Limits(10, 5, null, null), clock));
    assertThat(breaker("closed")).isEqualTo(1);
    assertThat(breaker("open")).isZero();

    for (int i = 0; i < BreakerSettings.defaults().minimumCalls(); i++) {
      assertThat(guard.tryAcquire()).isTrue();
      guard.failed(Duration.ofMillis(5), new IOException("535 5.7.8 refused"));
    }

    assertThat(breaker("open")).isEqualTo(1);
    assertThat(breaker("closed")).isZero();
    assertThat(breaker("half_open")).isZero();
  }

  @Test
  void throttleGaugesFollowTheBucketAndTheRollingQuota() {
    MutableClock clock = new MutableClock(Instant.parse("2024-05-01T00:00:00Z"));
    AccountThrottle throttle = new AccountThrottle(new Limits(10, 5, 4, null), clock);
    metrics.bindAccount("company", new AccountGuard("company", BreakerSettings.defaults(), clock), throttle);
    assertThat(gauge(WorkerMetrics.TOKENS_AVAILABLE)).isEqualTo(5.0);
    assertThat(gauge(WorkerMetrics.QUOTA_USED)).isZero();

    assertThat(throttle.tryAcquire(0)).isZero();
    assertThat(throttle.tryAcquire(0)).isZero();
    assertThat(gauge(WorkerMetrics.TOKENS_AVAILABLE)).as("tokens are taken when the sends end").isEqualTo(5.0);
    throttle.ended(true, 0, "n1", "w");
    throttle.ended(true, 0, "n2", "w");

    assertThat(gauge(WorkerMetrics.TOKENS_AVAILABLE)).isEqualTo(3.0);
    assertThat(gauge(WorkerMetrics.QUOTA_USED)).isEqualTo(0.5);
    clock.advance(Duration.ofMinutes(1));
    assertThat(gauge(WorkerMetrics.QUOTA_USED)).as("the sends left the window").isZero();
  }

  @Test
  void closeRemovesTheGaugesAndKeepsTheCounts() {
    MutableClock clock = new MutableClock(Instant.parse("2024-05-01T00:00:00Z"));
    metrics.bindAccount("company", new AccountGuard("company", BreakerSettings.defaults(), clock),
        new AccountThrottle(new Limits(10, 5, null, null), clock));
    metrics.account("company").sent();

    metrics.close();

    assertThat(registry.find(WorkerMetrics.BREAKER_STATE).gauges()).isEmpty();
    assertThat(registry.find(WorkerMetrics.TOKENS_AVAILABLE).gauges()).isEmpty();
    assertThat(count(WorkerMetrics.SENDS, "account", "company", "outcome", "sent")).isEqualTo(1);
  }

  private double count(String name, String... tags) {
    Counter counter = registry.find(name).tags(tags).counter();
    assertThat(counter).as("%s %s", name, List.of(tags)).isNotNull();
    return counter.count();
  }

  private Timer delay(String priority) {
    return registry.get(WorkerMetrics.DELIVERY_DELAY).tags("account", "company", "priority", priority).timer();
  }

  /** How many recorded values are at most {@code bound} (a cumulative bucket, as Prometheus shows it). */
  private static double bucket(Timer timer, Duration bound) {
    return java.util.Arrays.stream(timer.takeSnapshot().histogramCounts())
        .filter(c -> (long) c.bucket() == bound.toNanos()).findFirst().orElseThrow().count();
  }

  private double breaker(String state) {
    return registry.get(WorkerMetrics.BREAKER_STATE).tags("account", "company", "state", state).gauge().value();
  }

  private double gauge(String name) {
    return registry.get(name).tag("account", "company").gauge().value();
  }

}
