package dev.notifier.sender.metrics;

import dev.notifier.avro.Priority;
import dev.notifier.sender.guard.AccountGuard;
import dev.notifier.sender.throttle.AccountThrottle;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The sender worker's meters (Micrometer names; Prometheus adds {@code _total} to counters and
 * {@code _seconds} to the timer):
 * <ul>
 *   <li>{@value #SENDS} {account, outcome} — notifications handled, by outcome: {@code sent}, {@code retry}
 *       (an attempt failed and a retry record was written), {@code dead} (a dead letter was written) or
 *       {@code expired} (past its {@code expiresAt}: not sent, not a dead letter)</li>
 *   <li>{@value #SMTP_SEND} {account} — how long each SMTP transaction took, successful or not (a
 *       histogram from {@link #SMTP_MIN} to {@link #SMTP_MAX})</li>
 *   <li>{@value #DELIVERY_DELAY} {account, priority} — for each message the server accepted, how long after the
 *       notifier was asked to send it: from its release by the topology (the notification's {@code createdAt}) or its
 *       replay from the dead-letter topic, to the server's reply to the end of data — time in the send topic, the
 *       throttle, the wait and retry tiers and the SMTP transaction included. Buckets at {@link #DELAY_BUCKETS}, so an
 *       alert can ask what share of mail took longer than a bound ({@code priority} is {@code CRITICAL},
 *       {@code NORMAL} or {@code BULK}; a backup account counts what it sent)</li>
 *   <li>{@value #RETRIES} {account, attempt} — retries scheduled, by the number of the attempt that
 *       failed ({@code 1} .. {@code 9}, then {@value #MAX_ATTEMPT_TAG}{@code +} for the tenth and later)</li>
 *   <li>{@value #DEAD_LETTERS} {account, class} — dead letters by the failure class written in the dead
 *       letter, the name of its {@code retry.Action} ({@code DEAD_RECIPIENT}, {@code PERMANENT},
 *       {@code INVALID_MESSAGE}, {@code EXPIRED}, {@code UNKNOWN_ACCOUNT}, {@code POLICY}, and under account
 *       {@code unknown} {@code UNDECODABLE}, {@code MALFORMED_HEADERS} and a forged sender's {@code POLICY}), the same value {@code notifier dlt --class} filters on</li>
 *   <li>{@value #DEFERRALS} {account, reason} — mail put in a wait tier without an attempt
 *       ({@code breaker-open}, {@code throttled}, {@code backlog}, {@code handed-over}), once per reason it
 *       starts waiting for: a re-check or a hop to a shorter tier for the same reason is not counted again</li>
 *   <li>{@value #BREAKER_STATE} {account, state} — 1 for the account breaker's state, 0 for the
 *       others ({@code closed}, {@code open}, {@code half_open})</li>
 *   <li>{@value #TOKENS_AVAILABLE} {account} and {@value #QUOTA_USED} {account} — the account's
 *       token bucket and rolling quota in this worker</li>
 *   <li>{@code kafka_consumer_*}, {@code kafka_producer_*} — the send and retry consumers and the
 *       outcome producer, and where an account has a quota the usage consumer ({@code client_id} the worker's
 *       id and {@code -usage}) and the reservation producer ({@code -reservations}) (Micrometer's
 *       {@link KafkaClientMetrics}), among them the consumer lag
 *       {@code kafka_consumer_fetch_manager_records_lag{topic,partition}} and {@code ..._lag_max}</li>
 * </ul>
 *
 * <p><b>Cost.</b> Every meter of a configured account is resolved once, when the worker starts, and
 * kept in its {@link AccountMeters}; retries by attempt and dead letters by class are resolved on
 * first use and then kept. Recording an outcome is a field read and an add: no tag list and no
 * string is built per message (the delivery benchmark runs with these meters on).
 *
 * <p><b>Cardinality.</b> Accounts are the config's ids; a notification naming an account the config
 * does not have is counted as {@value #UNKNOWN_ACCOUNT}. Outcomes, classes, reasons and states are
 * the worker's own codes; attempts are capped. No tag ever carries an address.
 *
 * <p><b>Several workers in one registry</b> (the demo): counters and the timer add up over the
 * workers, which is what the process did; a gauge shows the first registered worker's state.
 */
public final class WorkerMetrics implements AutoCloseable {

  public static final String SENDS = "notifier.sends";
  public static final String SMTP_SEND = "notifier.smtp.send";
  public static final String DELIVERY_DELAY = "notifier.delivery.delay";
  public static final String RETRIES = "notifier.retries";
  public static final String DEAD_LETTERS = "notifier.dead.letters";
  public static final String DEFERRALS = "notifier.deferrals";
  public static final String BREAKER_STATE = "notifier.breaker.state";
  public static final String TOKENS_AVAILABLE = "notifier.throttle.tokens.available";
  public static final String QUOTA_USED = "notifier.throttle.quota.used.ratio";
  public static final String IN_FLIGHT = "notifier.sends.in.flight";

  /** The account tag of a notification whose account is not configured. */
  public static final String UNKNOWN_ACCOUNT = "unknown";
  /** This attempt and later ones are counted under {@value}{@code +}. */
  public static final int MAX_ATTEMPT_TAG = 10;
  /** The range of the SMTP latency histogram's buckets. */
  static final Duration SMTP_MIN = Duration.ofMillis(5);
  static final Duration SMTP_MAX = Duration.ofSeconds(30);
  /**
   * The delivery delay's bucket bounds: tens of milliseconds for mail sent at once (the benchmark's p99 bound is
   * 150 ms from event to SMTP), minutes for mail behind a breaker or a throttle, up to a day for mail that waited
   * for a daily quota.
   */
  public static final List<Duration> DELAY_BUCKETS = List.of(Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(150), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
      Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
      Duration.ofHours(6), Duration.ofDays(1));
  /**
   * How often the Kafka client binders look for new client metrics (a partition's lag appears once
   * it is fetched). Micrometer's default is a minute; a scan is cheap (a map of a few hundred entries).
   */
  static final Duration KAFKA_METRICS_REFRESH = Duration.ofSeconds(10);

  private static final String[] STATES = {"closed", "open", "half_open"};

  private final MeterRegistry registry;
  private final Map<String, AccountMeters> accounts = new HashMap<>();
  private volatile AccountMeters unknown;
  private final List<Meter> gauges = new ArrayList<>();
  private final List<KafkaClientMetrics> clients = new ArrayList<>();
  private ScheduledExecutorService scheduler;

  public WorkerMetrics(MeterRegistry registry, Collection<String> accountIds) {
    this.registry = registry;
    for (String id : accountIds) {
      accounts.put(id, new AccountMeters(registry, id, true));
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A record no account can be told from (undecodable, malformed headers), dead-lettered under {@value #UNKNOWN_ACCOUNT}. */
  public void unreadable(String failureClass) {
    unknown().deadLettered(failureClass);
  }

  /** The meters of {@code accountId}, or of {@value #UNKNOWN_ACCOUNT} when it is not configured. */
  public AccountMeters account(String accountId) {
    AccountMeters meters = accounts.get(accountId);
    return meters != null ? meters : unknown();
  }

  /** Registered on first use only: most workers never see a notification for an account they lack. */
  private AccountMeters unknown() {
    AccountMeters meters = unknown;
    if (meters == null) {
      synchronized (this) {
        if (unknown == null) {
          unknown = new AccountMeters(registry, UNKNOWN_ACCOUNT, false);
        }
        meters = unknown;
      }
    }
    return meters;
  }

  /** Registers the gauges of one account's breaker and throttle. */
  /** The account's sends under way in this worker (taken by a connection, outcome not yet known). */
  public synchronized void bindInFlight(String accountId, java.util.function.Supplier<Number> inFlight) {
    // held strongly: the supplier is a method reference no one else keeps (a weak one reads NaN once collected)
    gauges.add(Gauge.builder(IN_FLIGHT, inFlight, n -> n.get().doubleValue()).strongReference(true)
        .description("The account's sends under way in this worker: taken by a connection, outcome not yet known")
        .tag("account", accountId).register(registry));
  }

  public synchronized void bindAccount(String accountId, AccountGuard guard, AccountThrottle throttle) {
    for (String state : STATES) {
      gauges.add(Gauge.builder(BREAKER_STATE, guard, g -> state.equals(stateTag(g.state())) ? 1 : 0)
          .description("1 for the state the account's circuit breaker is in, 0 for the others")
          .tags("account", accountId, "state", state).register(registry));
    }
    gauges.add(Gauge.builder(TOKENS_AVAILABLE, throttle, AccountThrottle::availableMessages)
        .description("Messages the account's token bucket in this worker lets through now (negative in debt)")
        .tag("account", accountId).register(registry));
    gauges.add(Gauge.builder(QUOTA_USED, throttle, AccountThrottle::quotaUsedRatio)
        .description("Share of this worker's slice of the account's rolling quota used (0 without a quota)")
        .tag("account", accountId).register(registry));
  }

  /** Binds the Kafka clients' own metrics (consumer lag among them); {@link #close} unbinds them. */
  public synchronized void bindClients(List<Consumer<?, ?>> consumers, List<Producer<?, ?>> producers) {
    if (scheduler == null) {
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "notifier-worker-kafka-metrics");
        t.setDaemon(true);
        return t;
      });
    }
    for (Consumer<?, ?> consumer : consumers) {
      clients.add(new KafkaClientMetrics(consumer, Tags.empty(), scheduler, KAFKA_METRICS_REFRESH));
    }
    for (Producer<?, ?> producer : producers) {
      clients.add(new KafkaClientMetrics(producer, Tags.empty(), scheduler, KAFKA_METRICS_REFRESH));
    }
    clients.forEach(c -> c.bindTo(registry));
  }

  /** Resilience4j's state as the {@code state} tag. */
  public static String stateTag(CircuitBreaker.State state) {
    return switch (state) {
      case OPEN, FORCED_OPEN -> "open";
      case HALF_OPEN -> "half_open";
      default -> "closed";
    };
  }

  /**
   * Removes the gauges (they read this worker's breakers and throttles) and the Kafka client
   * meters; the counters and the timer stay, as counts of what the process did.
   */
  @Override
  public synchronized void close() {
    clients.forEach(KafkaClientMetrics::close);
    clients.clear();
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    gauges.forEach(registry::remove);
    gauges.clear();
  }

  /** One account's meters, resolved once. */
  public static final class AccountMeters {

    private final MeterRegistry registry;
    private final String account;
    private final Counter sent;
    private final Counter retry;
    private final Counter dead;
    private final Counter expired;
    private final Counter unknown;
    private final Timer smtp;
    private final Timer[] delayByPriority;
    private final AtomicReferenceArray<Counter> retries = new AtomicReferenceArray<>(MAX_ATTEMPT_TAG + 1);
    private final ConcurrentMap<String, Counter> deadByClass = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> deferredByReason = new ConcurrentHashMap<>();

    /** @param sends whether the account sends (has a lane): only then has it an SMTP timer */
    AccountMeters(MeterRegistry registry, String account, boolean sends) {
      this.registry = registry;
      this.account = account;
      this.sent = outcome("sent");
      this.retry = outcome("retry");
      this.dead = outcome("dead");
      this.expired = outcome("expired");
      this.unknown = outcome("unknown");
      this.smtp = !sends ? null : Timer.builder(SMTP_SEND)
          .description("SMTP transactions (connect if needed, MAIL, RCPT, DATA), successful or not")
          .tag("account", account)
          .publishPercentileHistogram()
          .minimumExpectedValue(SMTP_MIN)
          .maximumExpectedValue(SMTP_MAX)
          .register(registry);
      this.delayByPriority = !sends ? null : Arrays.stream(Priority.values())
          .map(priority -> Timer.builder(DELIVERY_DELAY)
              .description("From the notification's release (or its replay) to the server's acceptance of the message")
              .tags("account", account, "priority", priority.name())
              .serviceLevelObjectives(DELAY_BUCKETS.toArray(Duration[]::new))
              .register(registry))
          .toArray(Timer[]::new);
    }

    private Counter outcome(String outcome) {
      return Counter.builder(SENDS).description("Notifications handled, by outcome: sent, retry scheduled, dead-lettered")
          .tags("account", account, "outcome", outcome).register(registry);
    }

    /** A message accepted by the server. */
    /** A notification not sent because its expiresAt had passed. */
    public void expired() {
      expired.increment();
    }

    /** No reply after the end of data: the server may or may not have taken the message. */
    public void unknown() {
      unknown.increment();
    }

    public void sent() {
      sent.increment();
    }

    /**
     * A message of {@code priority} accepted {@code delay} after the notifier was asked to send it; a negative
     * delay (the topology's clock ahead of this worker's) counts as none.
     */
    public void delivered(Priority priority, Duration delay) {
      delayByPriority[priority.ordinal()].record(delay.isNegative() ? Duration.ZERO : delay);
    }

    public void smtpTook(long nanos) {
      smtp.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A retry scheduled after failed attempt number {@code attempt}. */
    public void retried(int attempt) {
      retry.increment();
      int slot = Math.max(1, Math.min(attempt, MAX_ATTEMPT_TAG));
      Counter counter = retries.get(slot);
      if (counter == null) {
        String tag = slot == MAX_ATTEMPT_TAG ? MAX_ATTEMPT_TAG + "+" : Integer.toString(slot);
        counter = Counter.builder(RETRIES).description("Retries scheduled, by the number of the attempt that failed")
            .tags("account", account, "attempt", tag).register(registry);
        retries.set(slot, counter);
      }
      counter.increment();
    }

    public void deadLettered(String failureClass) {
      dead.increment();
      Counter counter = deadByClass.get(failureClass);
      if (counter == null) {
        counter = deadByClass.computeIfAbsent(failureClass, c -> Counter.builder(DEAD_LETTERS)
            .description("Dead letters written, by failure class (as in the dead letter and notifier dlt --class)")
            .tags("account", account, "class", c).register(registry));
      }
      counter.increment();
    }

    public void deferred(String reason) {
      Counter counter = deferredByReason.get(reason);
      if (counter == null) {
        counter = deferredByReason.computeIfAbsent(reason, r -> Counter.builder(DEFERRALS)
            .description("Mail put in a wait tier without an attempt, by reason")
            .tags("account", account, "reason", r).register(registry));
      }
      counter.increment();
    }
  }
}
