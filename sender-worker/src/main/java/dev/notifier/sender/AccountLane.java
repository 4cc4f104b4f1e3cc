package dev.notifier.sender;

import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.guard.AccountGuard;
import dev.notifier.sender.metrics.WorkerMetrics;
import dev.notifier.sender.outcome.Statuses;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.ReplyClassifier;
import dev.notifier.sender.retry.RetryWriter;
import dev.notifier.sender.smtp.AccountConnection;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.MessageFactory;
import dev.notifier.sender.throttle.AccountThrottle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of one account in one worker: a queue and {@code poolSize} threads, each with
 * its own long-lived SMTP connection. A thread takes the next delivery and walks it through the
 * stages in the order of the flow: the account's circuit breaker ({@code guard}), its token bucket
 * and quotas ({@code throttle}), the send ({@code smtp}), and the outcome — a SENT status
 * ({@code outcome}), or a failure classified by the table and handed to the retry stage, which
 * retries it or dead-letters it ({@code retry}, {@code deadletter}). The lane holds no decision of
 * its own: whether a failure counts against the breaker is the table's column. Accounts have
 * separate lanes, so a slow or failing account never holds up another's mail.
 */
final class AccountLane implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AccountLane.class);

  /** A throttle wait longer than this defers the mail to the wait topic instead of holding a thread. */
  static final Duration MAX_THROTTLE_WAIT = Duration.ofSeconds(5);
  /** The fewest deliveries a lane may hold in memory (about 3 KB each with their records). */
  static final int MIN_CAPACITY = 2_000;
  /** Deliveries a lane may hold in memory per connection, when that is more than {@link #MIN_CAPACITY}. */
  static final int CAPACITY_PER_CONNECTION = 250;

  private final AccountSettings account;
  private final AccountThrottle throttle;
  private final AccountGuard guard;
  private final ReplyClassifier classifier;
  private final Statuses statuses;
  private final RetryWriter retries;
  private final Consumer<Delivery> finished;
  private final Sleeper sleeper;
  private final WorkerMetrics.AccountMeters meters;
  private final BlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<AccountConnection> connections = new ArrayList<>();
  private volatile int busy;
  private volatile boolean running = true;

  /**
   * @param finished marks a delivery finished once its outcome is durable
   * @param sleeper how a sending thread waits for its throttle
   */
  AccountLane(AccountSettings account, AccountGuard guard, AccountThrottle throttle, ReplyClassifier classifier,
      Statuses statuses, RetryWriter retries, Consumer<Delivery> finished, Sleeper sleeper,
      Function<String, String> env, String workerId, WorkerMetrics.AccountMeters meters) {
    this.account = account;
    this.throttle = throttle;
    this.guard = guard;
    this.classifier = classifier;
    this.statuses = statuses;
    this.retries = retries;
    this.finished = finished;
    this.sleeper = sleeper;
    this.meters = meters;
    for (int i = 0; i < account.poolSize(); i++) {
      AccountConnection connection = new AccountConnection(account, env);
      connections.add(connection);
      Thread thread = new Thread(() -> loop(connection), workerId + "-" + account.id() + "-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  void submit(Delivery delivery) {
    queue.add(delivery);
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
    List<Delivery> withdrawn = new ArrayList<>();
    queue.removeIf(d -> which.test(d) && withdrawn.add(d));
    return withdrawn;
  }

  private void loop(AccountConnection connection) {
    while (running) {
      Delivery delivery;
      try {
        delivery = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (delivery == null) {
        continue;
      }
      synchronized (this) {
        busy++;
      }
      try {
        process(connection, delivery);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("account {}: unexpected error sending {}; it will be delivered again", account.id(),
            delivery.notification().getNotificationId(), e);
      } finally {
        synchronized (this) {
          busy--;
        }
      }
    }
  }

  private void process(AccountConnection connection, Delivery d) throws InterruptedException {
    Runnable done = () -> finished.accept(d);
    if (!guard.tryAcquire()) {
      retries.deferred(d, "breaker-open", guard.retryAfter(), done);
      return;
    }
    Duration wait = throttle.tryAcquire();
    while (!wait.isZero()) {
      if (wait.compareTo(MAX_THROTTLE_WAIT) > 0 || !running) {
        guard.release();
        retries.deferred(d, "throttled", wait, done);
        return;
      }
      sleeper.sleep(wait);
      wait = throttle.tryAcquire();
    }
    send(connection, d, done);
  }

  private void send(AccountConnection connection, Delivery d, Runnable done) {
    long start = System.nanoTime();
    try {
      connection.send(MessageFactory.build(connection.session(), d.notification(), account.from()));
      long nanos = System.nanoTime() - start;
      meters.smtpTook(nanos);
      guard.succeeded(Duration.ofNanos(nanos));
      statuses.sent(d.notification(), d.failedAttempts() + 1, done);
    } catch (DeliveryException e) {
      long nanos = System.nanoTime() - start;
      meters.smtpTook(nanos);
      Classification c = classifier.classify(e);
      Duration took = Duration.ofNanos(nanos);
      if (c.countsAgainstBreaker()) {
        guard.failed(took, e);
      } else {
        guard.succeeded(took);
      }
      retries.failed(d, c, e, done);
    }
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
    connections.forEach(AccountConnection::close);
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
