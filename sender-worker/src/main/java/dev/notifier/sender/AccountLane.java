package dev.notifier.sender;

import dev.notifier.avro.Priority;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.failover.Failover;
import dev.notifier.sender.failover.FailoverChains;
import dev.notifier.sender.guard.AccountGuard;
import dev.notifier.sender.guard.RecipientGuard;
import dev.notifier.sender.metrics.WorkerMetrics;
import dev.notifier.sender.outcome.Statuses;
import dev.notifier.sender.retry.Action;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.ReplyClassifier;
import dev.notifier.sender.retry.RetryWriter;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.MessageFactory;
import dev.notifier.sender.smtp.UnsubscribeLinks;
import dev.notifier.sender.smtp.SmtpConnection;
import dev.notifier.sender.smtp.SmtpConnections;
import dev.notifier.sender.throttle.AccountThrottle;
import dev.notifier.sender.throttle.QuotaReservations;
import dev.notifier.sender.throttle.QuotaReservations.Reservation;
import dev.notifier.sender.throttle.QuotaReservations.ReservationFailedException;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of one account in one worker: a queue and {@code poolSize} threads, each with
 * its own long-lived SMTP connection. A thread takes the next delivery and walks it through the
 * stages in the order of the flow: the account's recipient policy and circuit breaker ({@code guard}), its token bucket
 * and quotas ({@code throttle}), the send ({@code smtp}), and the outcome — a SENT status
 * ({@code outcome}), or a failure classified by the table and handed to the retry stage, which
 * retries it or dead-letters it ({@code retry}, {@code deadletter}). The lane holds no decision of
 * its own: whether a failure counts against the breaker is the table's column. Accounts have
 * separate lanes, so a slow or failing account never holds up another's mail.
 *
 * <p>The queue is ordered by priority, then by arrival: a critical mail queued behind a bulk
 * backlog is the next one a thread takes, and the throttle keeps a reserve of the account's limits
 * that only critical mail may use ({@link AccountThrottle#tryAcquire(int, dev.notifier.avro.Priority)}).
 *
 * <p>An account with a per-minute or per-day quota reserves each send on the usage topic before it starts
 * ({@link QuotaReservations}): a worker killed before its usage record was written leaves the send counted.
 *
 * <p>A connection that pipelines ({@link SmtpConnection#batchLimit()} above one) gets the deliveries
 * already queued along with the one a thread took, each through the breaker and the throttle as if
 * alone, and sends them together: about one round trip a message instead of four. None of them waits
 * for a token; one that would goes back to the queue in its place. Each still gets its own outcome.
 */
final class AccountLane implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AccountLane.class);

  /** A throttle wait longer than this defers the mail to a wait tier instead of holding a thread. */
  static final Duration MAX_THROTTLE_WAIT = Duration.ofSeconds(5);
  /** The fewest deliveries a lane may hold in memory (about 3 KB each with their records). */
  static final int MIN_CAPACITY = 2_000;
  /** Deliveries a lane may hold in memory per connection, when that is more than {@link #MIN_CAPACITY}. */
  static final int CAPACITY_PER_CONNECTION = 250;

  private final AccountSettings account;
  /** The account relays through SendGrid: each message carries its id as a unique argument. */
  private final boolean sendGridArgs;
  private final UnsubscribeLinks unsubscribe;
  private final AccountThrottle throttle;
  private final AccountGuard guard;
  private final ReplyClassifier classifier;
  private final Statuses statuses;
  private final RetryWriter retries;
  private final Consumer<Delivery> finished;
  private final Sleeper sleeper;
  private final Clock clock;
  private final WorkerMetrics.AccountMeters meters;
  private final String workerId;
  private final Failover failover;
  private final RecipientGuard recipients;
  /** Where the sends of an account with a quota are reserved before they start; null when it has none. */
  private final QuotaReservations reservations;
  private final BlockingQueue<Queued> queue = new PriorityBlockingQueue<>();
  private final AtomicLong arrivals = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final List<SmtpConnection> connections = new ArrayList<>();
  private volatile int busy;
  private volatile boolean running = true;

  /**
   * @param finished marks a delivery finished once its outcome is durable
   * @param sleeper how a sending thread waits for its throttle
   */
  AccountLane(AccountSettings account, AccountGuard guard, AccountThrottle throttle, ReplyClassifier classifier,
      Statuses statuses, RetryWriter retries, Consumer<Delivery> finished, Sleeper sleeper, Clock clock,
      Function<String, String> env, String workerId, WorkerMetrics.AccountMeters meters) {
    this(account, guard, throttle, classifier, statuses, retries, finished, sleeper, clock, env, workerId, meters,
        Failover.NONE, null, null);
  }

  /**
   * @param clock what "now" is when a delivery's {@code expiresAt} is checked again, as it leaves the queue
   * @param failover where mail this account certainly did not take goes next ({@link FailoverChains})
   * @param unsubscribe the one-click unsubscribe headers its mail carries (null: none)
   * @param reservations where each send is reserved before it starts when the account has a per-minute or per-day
   *     quota (null: never)
   */
  AccountLane(AccountSettings account, AccountGuard guard, AccountThrottle throttle, ReplyClassifier classifier,
      Statuses statuses, RetryWriter retries, Consumer<Delivery> finished, Sleeper sleeper, Clock clock,
      Function<String, String> env, String workerId, WorkerMetrics.AccountMeters meters, Failover failover,
      UnsubscribeLinks unsubscribe, QuotaReservations reservations) {
    this.unsubscribe = unsubscribe;
    this.reservations = account.limits().hasQuota() ? reservations : null;
    this.clock = clock;
    this.failover = failover;
    this.account = account;
    this.sendGridArgs = account.relaysThroughSendGrid();
    this.recipients = new RecipientGuard(account.id(), account.recipients());
    this.throttle = throttle;
    this.guard = guard;
    this.classifier = classifier;
    this.statuses = statuses;
    this.retries = retries;
    this.finished = finished;
    this.sleeper = sleeper;
    this.meters = meters;
    this.workerId = workerId;
    for (int i = 0; i < account.poolSize(); i++) {
      SmtpConnection connection = SmtpConnections.open(account, env);
      connections.add(connection);
      Thread thread = new Thread(() -> loop(connection), workerId + "-" + account.id() + "-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  void submit(Delivery delivery) {
    queue.add(new Queued(delivery, arrivals.getAndIncrement()));
  }

  /** Deliveries being sent now (taken by a connection, outcome not yet known). */
  int inFlight() {
    return busy;
  }

  /** Deliveries waiting or being sent. */
  int backlog() {
    return queue.size() + busy;
  }

  int poolSizeHint() {
    return threads.size();
  }

  /**
   * The most deliveries this lane holds in memory, whatever the account's rate: enough to keep its
   * connections busy for a good fraction of a second at the fastest a local server takes mail,
   * small enough that all lanes together stay a few megabytes of heap.
   */
  int capacity() {
    return Math.max(MIN_CAPACITY, CAPACITY_PER_CONNECTION * threads.size());
  }

  AccountThrottle throttle() {
    return throttle;
  }

  AccountGuard guard() {
    return guard;
  }

  /** Removes queued deliveries (not yet started) of the given partitions, to hand them back. */
  List<Delivery> withdraw(Predicate<Delivery> which) {
    List<Queued> withdrawn = new ArrayList<>();
    queue.removeIf(q -> which.test(q.delivery()) && withdrawn.add(q));
    return withdrawn.stream().sorted().map(Queued::delivery).toList();
  }

  private void loop(SmtpConnection connection) {
    while (running) {
      Queued next;
      try {
        next = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (next == null) {
        continue;
      }
      List<Delivery> taken = new ArrayList<>();
      try {
        taken.add(next.delivery());
        addBusy(1);
        List<Delivery> ready = new ArrayList<>();
        if (admit(next.delivery())) {
          ready.add(next.delivery());
          takeMore(connection.batchLimit(), taken, ready);
        }
        if (!ready.isEmpty()) {
          send(connection, ready);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // only the first delivery's admission can throw here: a batch's outcomes are caught one by one
        retryAsWorkerError(next.delivery(), e);
      } finally {
        addBusy(-taken.size());
      }
    }
  }

  private synchronized void addBusy(int delta) {
    busy += delta;
  }

  /**
   * A connection that pipelines sends the deliveries already queued along with the first: up to
   * {@code limit} in all, each passing the breaker and the throttle as if alone, but none waiting: a
   * delivery that may not start at once goes back to the queue, in its place, and ends the batch
   * (the next turn of the loop takes it as a first one, waiting or deferring it as usual).
   */
  private void takeMore(int limit, List<Delivery> taken, List<Delivery> ready) {
    while (ready.size() < limit && running) {
      Queued more = queue.poll();
      if (more == null) {
        return;
      }
      Delivery d = more.delivery();
      if (expired(d)) {
        expire(d);
        continue;
      }
      Optional<Classification> breach = recipients.check(d.notification());
      if (breach.isPresent()) {
        // refused as when taken first: a POLICY dead letter, never part of the batch
        retries.refused(d, breach.get(), () -> finished.accept(d));
        continue;
      }
      if (!guard.tryAcquire()) {
        queue.add(more);
        return;
      }
      Duration wait;
      try {
        wait = throttle.tryAcquire(d.sendPartition(), d.priority());
      } catch (RuntimeException e) {
        // the throttle failed on this one: it goes back, and the next turn meets the failure as a first
        guard.release();
        queue.add(more);
        return;
      }
      if (!wait.isZero()) {
        guard.release();
        queue.add(more);
        return;
      }
      taken.add(d);
      addBusy(1);
      ready.add(d);
    }
  }

  /**
   * The breaker's and the throttle's permission for one send: true when it may go now; otherwise
   * the delivery was handed to the failover chain or deferred.
   */
  private boolean admit(Delivery d) throws InterruptedException {
    Runnable done = () -> finished.accept(d);
    if (expired(d)) {
      expire(d);
      return false;
    }
    Optional<Classification> breach = recipients.check(d.notification());
    if (breach.isPresent()) {
      // before the breaker and the throttle: a refused record costs the account nothing (a backup checks its own)
      retries.refused(d, breach.get(), done);
      return false;
    }
    if (!guard.tryAcquire()) {
      if (!failover.handOver(d, account.id(), "breaker open")) {
        retries.deferred(d, "breaker-open", guard.retryAfter(), done);
      }
      return false;
    }
    Duration wait;
    try {
      wait = awaitThrottle(d.sendPartition(), d.priority());
    } catch (InterruptedException | RuntimeException e) {
      guard.release();
      throw e;
    }
    if (!wait.isZero()) {
      guard.release();
      if (!failover.handOver(d, account.id(), "rate or quota used up for " + wait)) {
        retries.deferred(d, "throttled", wait, done);
      }
      return false;
    }
    if (expired(d)) {
      // it expired while waiting for the throttle: the reserved send is given back, no token taken
      throttle.cancelled(d.sendPartition());
      guard.release();
      expire(d);
      return false;
    }
    return true;
  }

  /**
   * Whether {@code d} is past its {@code expiresAt} now. The dispatcher checks it when the record is
   * read; the lane checks again as it takes the mail from its queue and after a throttle wait, since
   * mail may wait there behind a slow or throttled account (and expire, where it must not be sent).
   */
  private boolean expired(Delivery d) {
    Instant expiresAt = d.notification().getExpiresAt();
    return expiresAt != null && !clock.instant().isBefore(expiresAt);
  }

  private void expire(Delivery d) {
    statuses.expired(d.notification(), d.failedAttempts(), () -> finished.accept(d));
  }

  /**
   * Takes the throttle's permission for a send of {@code partition}'s mail, waiting through the
   * sleeper while the wait is short: zero once taken, else the wait that was too long to hold a
   * sending thread for (or the lane is stopping).
   */
  private Duration awaitThrottle(int partition, Priority priority) throws InterruptedException {
    Duration wait = throttle.tryAcquire(partition, priority);
    Duration waited = Duration.ZERO;
    while (!wait.isZero()) {
      if (waited.plus(wait).compareTo(MAX_THROTTLE_WAIT) > 0 || !running) {
        return wait;
      }
      sleeper.sleep(wait);
      waited = waited.plus(wait);
      wait = throttle.tryAcquire(partition, priority);
    }
    return Duration.ZERO;
  }

  /**
   * One attempt of each delivery, sent together over the connection (pipelined where it can); each
   * outcome, classified by the table, goes to the breaker (by its column) and on to the writers.
   */
  private void send(SmtpConnection connection, List<Delivery> deliveries) {
    long start = System.nanoTime();
    // the reservations travel to the broker while the messages are built
    QuotaReservations.Pending pending = reservations == null ? null
        : reservations.start(account.id(), sends(deliveries), account.longestAttempt(deliveries.size()));
    List<DeliveryException> failures = new ArrayList<>(deliveries.size());
    List<MimeMessage> messages = new ArrayList<>(deliveries.size());
    List<Integer> built = new ArrayList<>(deliveries.size());
    for (Delivery d : deliveries) {
      try {
        messages.add(MessageFactory.build(connection.session(), d.notification(), account.from(),
            account.envelopeSender(d.notification().getNotificationId()), sendGridArgs, unsubscribe));
        built.add(failures.size());
        failures.add(null);
      } catch (DeliveryException e) {
        failures.add(e);
      } catch (RuntimeException e) {
        failures.add(workerError(e));
      }
    }
    Reservation[] reserved = new Reservation[deliveries.size()];
    DeliveryException unreserved = null;
    if (pending != null) {
      long waited = System.nanoTime();
      try {
        pending.await().toArray(reserved);
        start += System.nanoTime() - waited; // the SMTP time, which the breaker judges, leaves the broker's out
      } catch (ReservationFailedException e) {
        // none of them starts: the server has none of them, and a reservation that did land counts, as made
        unreserved = new DeliveryException("worker", null, e.getMessage(), e);
      }
    }
    if (!messages.isEmpty()) {
      List<DeliveryException> sent;
      if (unreserved != null) {
        DeliveryException failure = unreserved;
        sent = messages.stream().map(m -> failure).toList();
      } else {
        try {
          sent = connection.sendAll(messages);
        } catch (RuntimeException e) {
          DeliveryException failure = workerError(e);
          sent = messages.stream().map(m -> failure).toList();
        }
      }
      for (int i = 0; i < built.size(); i++) {
        failures.set(built.get(i), sent.get(i));
      }
    }
    Duration took = Duration.ofNanos((System.nanoTime() - start) / deliveries.size());
    for (int i = 0; i < deliveries.size(); i++) {
      try {
        outcome(deliveries.get(i), failures.get(i), took, reserved[i]);
      } catch (RuntimeException e) {
        retryAsWorkerError(deliveries.get(i), e);
      }
    }
  }

  private static List<QuotaReservations.Send> sends(List<Delivery> deliveries) {
    return deliveries.stream()
        .map(d -> new QuotaReservations.Send(d.sendPartition(), d.notification().getNotificationId())).toList();
  }

  /**
   * What became of one send: the throttle's token and quota, the breaker, and the writers. {@code reservation}
   * (null: none was made) is settled: by the SENT status's usage record, as taken when the outcome is unknown,
   * released when the server certainly did not take the mail.
   */
  private void outcome(Delivery d, DeliveryException failure, Duration took, Reservation reservation) {
    Runnable done = () -> finished.accept(d);
    Classification c = failure == null ? null : classifier.classify(failure);
    boolean mayBeTaken = failure == null || c.action() == Action.UNKNOWN;
    // the token is taken now, when the server's answer to the end of data came: as the provider counts; a
    // send whose answer never came counts against the quota too, since the server may have taken it
    Instant endedAt = throttle.ended(mayBeTaken, d.sendPartition(), d.notification().getNotificationId(),
        workerId);
    meters.smtpTook(took.toNanos());
    if (failure == null) {
      guard.succeeded(took);
      meters.delivered(d.priority(), Duration.between(d.requestedAt(), endedAt));
      failover.sent(d, account.id());
      statuses.sent(d.notification(), account.id(), d.failedAttempts() + 1, d.sendPartition(), endedAt,
          reservation == null ? null : reservation.at(), done);
      return;
    }
    if (reservation != null) {
      if (mayBeTaken) {
        reservations.unknown(reservation, endedAt);
      } else {
        reservations.release(reservation);
      }
    }
    if (c.countsAgainstBreaker()) {
      guard.failed(took, failure);
    } else {
      guard.succeeded(took);
    }
    if (c.action() == Action.UNKNOWN) {
      retries.unknown(d, account.id(), failure, account.retryUnknownOutcome() ? account.unknownOutcomeRetry() : null,
          done);
      return;
    }
    if (FailoverChains.certainlyNotTaken(failure, c) && failover.handOver(d, account.id(), c.kind())) {
      return;
    }
    retries.failed(d, c, failure, done);
  }

  /**
   * A RuntimeException anywhere in the processing (a bug, a notification the code did not expect):
   * a failed attempt of kind {@code worker-error}, retried like any transient failure, so the
   * delivery finishes and its partition's commits go on. Left unfinished and not handed back, it
   * would hold that partition's commits until a rebalance.
   */
  private void retryAsWorkerError(Delivery d, RuntimeException e) {
    LOG.error("account {}: unexpected error processing {}; it is retried", account.id(),
        d.notification().getNotificationId(), e);
    DeliveryException failure = workerError(e);
    try {
      retries.failed(d, classifier.classify(failure), failure, () -> finished.accept(d));
    } catch (RuntimeException again) {
      LOG.error("account {}: {} could not be retried either; its partition's commits wait for a rebalance",
          account.id(), d.notification().getNotificationId(), again);
    }
  }

  private static DeliveryException workerError(RuntimeException e) {
    return new DeliveryException("worker", null, "unexpected error in the worker: " + e, e);
  }

  /** Stops taking new deliveries, waits up to {@code bound} for the ones being sent, and closes. */
  void stop(Duration bound) {
    running = false;
    long deadline = System.nanoTime() + bound.toNanos();
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread.interrupt();
    }
    connections.forEach(SmtpConnection::close);
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }

  /** A queued delivery: critical before normal before bulk, then first come first served. */
  private record Queued(Delivery delivery, long arrival) implements Comparable<Queued> {
    @Override
    public int compareTo(Queued other) {
      int byPriority = delivery.priority().compareTo(other.delivery.priority());
      return byPriority != 0 ? byPriority : Long.compare(arrival, other.arrival);
    }
  }
}
