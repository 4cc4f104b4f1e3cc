package dev.notifier.sender.throttle;

import dev.notifier.avro.Priority;
import dev.notifier.sender.config.Limits;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The send throttle of one account in one worker: may a message start now, and when it ends, what
 * did it use. The limits hold as the provider counts them — by messages its server has finished
 * accepting, across every worker of the group.
 *
 * <p><b>Counted when the server accepts, not when the send starts.</b> A send takes its token from
 * the bucket when it ends (the server's reply to the end of data), so the tokens taken in any
 * interval are the messages the server finished in it. A send may start only if the bucket holds a
 * token for it <em>and</em> for every send of this worker still in flight ({@link #tryAcquire}).
 * Tokens only grow while sends are in flight, so every ending finds its token there: the bucket never
 * goes into debt, and the messages finished in any window of T seconds are at most
 * {@code burst + ratePerSecond × T} — by construction, whatever the pool size and however long each
 * SMTP transaction takes. (Counted by the client: a server that finishes a message a round trip
 * before the client hears of it sees it that much earlier.)
 *
 * <p><b>Sharing the account's limits.</b> {@link Limits} hold for the account as a whole; workers do
 * not talk to each other, so each takes a slice: its bucket refills at {@code ratePerSecond × share}
 * with capacity {@code burst × share}, where share = the send partitions it owns / all of them,
 * recomputed on every rebalance ({@link #assign}); every slice is rounded down, so the slices never
 * add up to more than the account's limits. The per-minute and per-day quotas are parted by send
 * partition instead, and a send may start only while its own partition's part has room: see
 * {@link QuotaLedger} for why, and why a restart or a moved partition does not start from zero.
 * Until the ledger has read the usage topic to where it ended at the assignment, an account with a
 * quota sends nothing. A send topic given more partitions within a window shrinks every part while the
 * old partitions' sends, counted against their larger parts, are still in it: the sends beyond the new
 * parts hold every partition with room back by as many until they leave the window
 * ({@link QuotaLedger#excess}), so growing the topic never lets the account past a quota.
 *
 * <p><b>Milli-messages.</b> Shares are fractions, so the bucket counts thousandths of a message. When
 * a worker's slice of the burst is less than one message, it may start a send only with a full
 * bucket and nothing in flight, and the ending takes a whole message, leaving the bucket in debt: its
 * exact share of the rate, adding at most one message to the account's burst. Keep {@code burst} at
 * least the number of workers to avoid that case. A quota part below one message works the same
 * way: one message per {@code window / part}.
 *
 * <p><b>A lease.</b> A worker that stopped polling for longer than Kafka allows is put out of the
 * group and its partitions go to others; so it sends only while its {@link Lease} (renewed by each
 * poll) is valid, and never at a share it may no longer have.
 *
 * <p>Time comes only from the injected {@link Clock}. Several sender threads share an instance; every
 * method is synchronized, which is cheap next to an SMTP round trip.
 */
public final class AccountThrottle {

  /** Tokens per message. */
  static final long MILLI = 1_000;
  /** How long a worker that may not send (no partitions, no lease, quota usage not read yet) waits before asking again. */
  public static final Duration RECHECK = Duration.ofMillis(200);
  /** How long a send waits when only the end of a send in flight can free what it needs: SMTP replies come fast. */
  static final Duration IN_FLIGHT_RECHECK = Duration.ofMillis(10);
  /** How long a quota's excess over the partitions' parts is used before the ledger is read for it again. */
  static final Duration EXCESS_REREAD = Duration.ofSeconds(1);
  /** Absorbs floating-point error such as 0.7 × 10 = 6.9999 before rounding down. */
  static final double ROUNDING_SLACK = 1e-9;
  /** The refill is expressed per 1,000 s so fractional rates keep their precision in whole tokens. */
  private static final long REFILL_PERIOD_SECONDS = 1_000;

  private final String account;
  private final Limits limits;
  private final Clock clock;
  private final QuotaLedger ledger;
  private final Lease lease;
  private final Bucket bucket;
  private final List<Quota> quotas = new ArrayList<>(2);
  private final Map<Integer, Integer> inFlightByPartition = new HashMap<>();
  /** Each quota's excess as last read from the ledger, and when. */
  private final Map<Quota, ReadExcess> excessRead = new HashMap<>();
  private Set<Integer> owned = Set.of();
  private int total = 1;
  private long capacity;
  private int inFlight;

  /** A throttle that owns the whole account (one partition of one), with no other worker and no lease. */
  public AccountThrottle(Limits limits, Clock clock) {
    this("account", limits, new QuotaLedger(), Lease.ALWAYS, clock);
    ledger.caughtUp(true);
    assign(Set.of(0), 1);
    bucket.addTokens(capacity);
  }

  /** A throttle that sends nothing until {@link #assign} gives it partitions. */
  public AccountThrottle(String account, Limits limits, QuotaLedger ledger, Lease lease, Clock clock) {
    this.account = account;
    this.limits = limits;
    this.clock = clock;
    this.ledger = ledger;
    this.lease = lease;
    this.capacity = capacity(limits, 1);
    this.bucket = Bucket.builder()
        .addLimit(bandwidth(limits, 1))
        .withCustomTimePrecision(new ClockTimeMeter(clock))
        .build();
    if (limits.perMinute() != null) {
      quotas.add(new Quota("perMinute", limits.perMinute(), Duration.ofMinutes(1)));
    }
    if (limits.perDay() != null) {
      quotas.add(new Quota("perDay", limits.perDay(), Duration.ofDays(1)));
    }
  }

  /** {@link #tryAcquire(int, Priority)} for normal mail. */
  public Duration tryAcquire(int partition) {
    return tryAcquire(partition, Priority.NORMAL);
  }

  /**
   * Reserves a send of send partition {@code partition}'s mail if one may start now and returns
   * {@link Duration#ZERO} — the caller must then call {@link #ended} exactly once; otherwise
   * reserves nothing and returns how long to wait before asking again. Normal and bulk mail leave
   * the account's {@link Limits#criticalReserve()} of the bucket and of each quota part untouched;
   * critical mail may use all of it.
   */
  public synchronized Duration tryAcquire(int partition, Priority priority) {
    Instant now = clock.instant();
    if (owned.isEmpty() || !lease.valid(now) || (!quotas.isEmpty() && !ledger.caughtUp())) {
      return RECHECK;
    }
    boolean critical = priority == Priority.CRITICAL;
    Duration wait = bucketWait(critical ? 0 : bucketReserve());
    for (Quota quota : quotas) {
      Duration quotaWait = quotaWait(quota, partition, now, critical);
      if (quotaWait.compareTo(wait) > 0) {
        wait = quotaWait;
      }
    }
    if (wait.isZero()) {
      inFlight++;
      inFlightByPartition.merge(partition, 1, Integer::sum);
    }
    return wait;
  }

  /**
   * A reserved send of {@code partition} ended: takes its token now, when the server's answer
   * arrived. If the server accepted the message — or may have: no answer came to the end of data —
   * an account with a quota counts it in the ledger at once, against the partition it belongs to; the
   * caller writes its usage record for the other workers.
   */
  public synchronized Instant ended(boolean accepted, int partition, String notificationId, String workerId) {
    Instant now = clock.instant();
    release(partition);
    bucket.consumeIgnoringRateLimits(MILLI);
    if (accepted && !quotas.isEmpty()) {
      ledger.addOwn(account, partition, notificationId, workerId, now);
    }
    return now;
  }

  /** A reserved send of {@code partition} that did not start after all: no token is taken. */
  public synchronized void cancelled(int partition) {
    release(partition);
  }

  private void release(int partition) {
    inFlight = Math.max(0, inFlight - 1);
    inFlightByPartition.computeIfPresent(partition, (p, n) -> n > 1 ? n - 1 : null);
  }

  /**
   * Applies a new assignment: the send partitions this worker owns, of {@code total}. With none the
   * account sends nothing until partitions arrive.
   */
  public synchronized void assign(Set<Integer> ownedPartitions, int totalPartitions) {
    if (totalPartitions < 1 || ownedPartitions.size() > totalPartitions) {
      throw new IllegalArgumentException("owning " + ownedPartitions.size() + " of " + totalPartitions
          + " send partitions: the total must be at least 1 and at least what is owned");
    }
    boolean wasIdle = owned.isEmpty();
    owned = Set.copyOf(ownedPartitions);
    total = totalPartitions;
    excessRead.clear(); // the parts may have changed, and with them what is beyond them
    if (owned.isEmpty()) {
      return;
    }
    double share = share();
    capacity = capacity(limits, share);
    // tokens carry over as they are (capped at the new capacity): a larger share brings a faster refill,
    // never extra tokens, so a rebalance cannot add a burst the account does not have
    bucket.replaceConfiguration(BucketConfiguration.builder().addLimit(bandwidth(limits, share)).build(),
        TokensInheritanceStrategy.AS_IS);
    if (wasIdle) {
      // a worker that just got its share starts empty: its partitions' previous owner may have spent the burst
      bucket.tryConsumeAsMuchAsPossible();
    }
  }

  /** The fraction of the account's rate this worker has: owned send partitions / all of them. */
  public synchronized double share() {
    return owned.size() / (double) total;
  }

  public Limits limits() {
    return limits;
  }

  /** Sends reserved and not yet ended. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Tokens in the bucket, in thousandths of a message; negative while in debt. For tests and metrics. */
  synchronized long availableMilliMessages() {
    return bucket.getAvailableTokens();
  }

  /** Messages the bucket would let through now (fractional; negative while in debt). For metrics. */
  public synchronized double availableMessages() {
    return bucket.getAvailableTokens() / (double) MILLI;
  }

  /**
   * The largest part of a quota (per minute, per day) of a partition this worker owns that sends in
   * the window use, in [0, 1]; 0 when the account has no quota or this worker owns nothing. For metrics.
   */
  public synchronized double quotaUsedRatio() {
    Instant now = clock.instant();
    double used = 0;
    for (Quota quota : quotas) {
      for (int partition : owned) {
        Quota.Slice slice = quota.slice(partition, total);
        int sent = ledger.used(account, Set.of(partition), slice.since(now));
        used = Math.max(used, Math.min(1, sent / (double) slice.limit()));
      }
    }
    return used;
  }

  /**
   * What normal and bulk mail leave in the bucket for critical mail, in thousandths of a message:
   * the reserve of the capacity, never so much that a full bucket could not start one of their sends.
   */
  private long bucketReserve() {
    return capacity < MILLI ? 0 : Math.min(limits.reserveOf(capacity), capacity - MILLI);
  }

  /**
   * A token for this send and one for each send in flight, with {@code reserve} left over; with a
   * bucket smaller than a message, a full bucket and nothing in flight.
   */
  private Duration bucketWait(long reserve) {
    if (capacity < MILLI) {
      if (inFlight > 0) {
        return IN_FLIGHT_RECHECK;
      }
      long missing = capacity - bucket.getAvailableTokens();
      return missing <= 0 ? Duration.ZERO : nanosFor(missing);
    }
    long needed = (inFlight + 1) * MILLI + reserve;
    long missing = needed - bucket.getAvailableTokens();
    if (missing <= 0) {
      return Duration.ZERO;
    }
    // more in flight than the bucket can ever cover: wait for an ending, not for the refill
    return needed > capacity ? IN_FLIGHT_RECHECK : nanosFor(missing);
  }

  private Duration nanosFor(long milliMessages) {
    double perSecond = limits.ratePerSecond() * share() * MILLI;
    return Duration.ofNanos((long) Math.ceil(milliMessages / perSecond * 1e9));
  }

  /**
   * Zero if the partition's part of the quota has room for one more beside its sends in flight
   * (for normal and bulk mail, room beyond the critical reserve); else until enough of its old
   * sends leave the window.
   */
  private Duration quotaWait(Quota quota, int partition, Instant now, boolean critical) {
    Quota.Slice slice = quota.slice(partition, total);
    Instant since = slice.since(now);
    Set<Integer> only = Set.of(partition);
    int used = ledger.used(account, only, since) + inFlightByPartition.getOrDefault(partition, 0);
    long limit = slice.limit() - (critical ? 0 : limits.reserveOf(slice.limit()));
    if (used >= limit) {
      int mustLeave = (int) (used - limit + 1);
      Instant oldest = ledger.nthOldest(account, only, since, mustLeave);
      if (oldest == null) {
        return IN_FLIGHT_RECHECK;
      }
      Duration wait = Duration.between(now, oldest.plus(slice.window()));
      return wait.isNegative() || wait.isZero() ? RECHECK : wait;
    }
    QuotaLedger.Excess excess = excess(quota, now);
    if (used < limit - excess.messages()) {
      return Duration.ZERO;
    }
    // room in its own part, but other partitions' sends beyond theirs (the send topic grew) fill the quota
    Duration wait = Duration.between(now, excess.eases());
    return wait.isNegative() || wait.isZero() ? RECHECK : wait;
  }

  /**
   * The quota's excess ({@link QuotaLedger#excess}): every partition with room holds it back in full, which keeps the
   * account within the quota whoever else sends — the excess only shrinks (its partitions cannot send, and their
   * sends leave the window) and no partition within its part ever goes beyond it. Zero unless the send topic grew
   * within the window. Read at most every {@link #EXCESS_REREAD}: a stale excess is never smaller than the present
   * one, except after an assignment, which drops it.
   */
  private QuotaLedger.Excess excess(Quota quota, Instant now) {
    ReadExcess read = excessRead.get(quota);
    if (read == null || !now.isBefore(read.at().plus(EXCESS_REREAD)) || now.isBefore(read.at())) {
      read = new ReadExcess(ledger.excess(account, quota, total, now), now);
      excessRead.put(quota, read);
    }
    return read.excess();
  }

  private record ReadExcess(QuotaLedger.Excess excess, Instant at) {
  }

  private static Bandwidth bandwidth(Limits limits, double share) {
    long refill = Math.max(1, roundDown(limits.ratePerSecond() * share * MILLI * REFILL_PERIOD_SECONDS));
    return Bandwidth.builder()
        .capacity(capacity(limits, share))
        .refillGreedy(refill, Duration.ofSeconds(REFILL_PERIOD_SECONDS))
        .build();
  }

  private static long capacity(Limits limits, double share) {
    return Math.max(1, roundDown(limits.burst() * share * MILLI));
  }

  static long roundDown(double value) {
    return (long) Math.floor(value + ROUNDING_SLACK);
  }

  @Override
  public synchronized String toString() {
    return "AccountThrottle[" + account + ", " + limits + ", owns " + owned.size() + "/" + total + ", quotas=" + quotas
        + "]";
  }
}
