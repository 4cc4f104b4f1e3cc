package dev.notifier.sender.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every message the SMTP servers of quota-limited accounts accepted in the last day, from every
 * worker, by the send partition it belongs to. Per-minute and per-day quotas are counted against
 * it, the way providers count them: by message accepted, across all workers, whoever restarted.
 *
 * <p><b>Why by partition.</b> Workers do not talk to each other, so a quota is parted among the
 * send partitions: each has the quota over the partition count (the remainder spread one each over
 * the first ones), the parts add up to exactly the quota, and a message may be sent only while its
 * own partition's part has room, whoever owns the partition. What a partition used moves with it
 * (rebalance, restart, crash), because its new owner counts the sends the usage topic holds for it:
 * a fresh worker starts with the day's usage, not from zero. The parts of the partitions a worker
 * owns are not pooled: a worker that spent a pool on one partition's mail would hand that partition
 * over used beyond its part, while the new owners of its other partitions used theirs in full, and
 * the account would see more than its quota ({@code WorkerGuaranteesIntegrationTest} saw 25 of a
 * minute's 20 when partitions moved a second after a lone first worker had sent 16, 10 of them from
 * one partition). The price: with mail spread unevenly over the partitions, one partition's mail may
 * wait for its part while another's part is left over.
 *
 * <p>Entries come from two places: the usage topic (everyone's sends, {@link #add}) and this worker's
 * own acceptances the moment they happen ({@link #addOwn}), before their usage record has travelled
 * through the topic and back; when it does, it is recognised and not counted twice.
 *
 * <p><b>Reservations.</b> Every send is reserved on the usage topic before it starts ({@link QuotaReservations}),
 * so a worker killed between the server's acceptance and its usage record leaves the send counted. Another
 * worker's reservation ({@link #reserved}) counts at the latest moment its server could have accepted the mail —
 * from now until that moment plus the window, whatever happened — until its outcome settles it: an ACCEPTED moves
 * it to the moment the server took it ({@link #accepted}), a RELEASED drops it ({@link #released}). One that
 * nothing settles (its worker died) stays counted at that latest moment, so the quota never misses a message the
 * server may have taken. This worker's own sends in flight are counted by its throttle, not here; their
 * reservations and outcomes come back from the topic and are recognised.
 *
 * <p>Not thread-safe on its own: {@link AccountThrottle} and the usage reader call it under its lock.
 */
public final class QuotaLedger {

  /** The longest quota window: entries older than this are dropped. */
  public static final Duration HORIZON = Duration.ofDays(1);

  private final Map<String, Map<Integer, UsageLog>> accepted = new HashMap<>();
  private final Set<String> ownPending = new HashSet<>();
  /** Other workers' reservations not yet settled, by {@link #reservation} name: where each is counted. */
  private final Map<String, Open> open = new HashMap<>();
  private boolean caughtUp;

  /** A send another worker (or this one, earlier) reported through the usage topic, settling no reservation. */
  public synchronized void add(String account, int partition, String notificationId, String workerId, Instant at) {
    accepted(account, partition, notificationId, workerId, at, null);
  }

  /**
   * A send the server took (or may have) at {@code at}, read from the usage topic; it settles the reservation
   * made at {@code reservedAt} (null: none), which stops counting at its latest moment.
   */
  public synchronized void accepted(String account, int partition, String notificationId, String workerId,
      Instant at, Instant reservedAt) {
    if (ownPending.remove(id('A', workerId, notificationId, at))) {
      return;
    }
    if (reservedAt != null) {
      settle(account, notificationId, workerId, reservedAt);
    }
    record(account, partition, at);
  }

  /**
   * A send reserved at {@code reservedAt}, read from the usage topic: counted at {@code latest}, the latest moment
   * its server could take the mail, until an outcome settles it.
   */
  public synchronized void reserved(String account, int partition, String notificationId, String workerId,
      Instant reservedAt, Instant latest) {
    if (ownPending.remove(id('R', workerId, notificationId, reservedAt))) {
      return;
    }
    open.merge(reservation(account, notificationId, workerId, reservedAt),
        new Open(partition, latest.toEpochMilli(), 1), (a, b) -> new Open(a.partition(), a.at(), a.count() + 1));
    record(account, partition, latest);
  }

  /** The server certainly did not take the send reserved at {@code reservedAt}: it no longer counts. */
  public synchronized void released(String account, String notificationId, String workerId, Instant reservedAt) {
    if (ownPending.remove(id('X', workerId, notificationId, reservedAt))) {
      return;
    }
    settle(account, notificationId, workerId, reservedAt);
  }

  /** A send of this worker accepted just now; its usage record is on its way to the topic. */
  public synchronized void addOwn(String account, int partition, String notificationId, String workerId, Instant at) {
    ownPending.add(id('A', workerId, notificationId, at));
    record(account, partition, at);
  }

  /** This worker reserved a send at {@code reservedAt}: the record's return is not counted (its throttle counts it). */
  public synchronized void ownReserved(String workerId, String notificationId, Instant reservedAt) {
    ownPending.add(id('R', workerId, notificationId, reservedAt));
  }

  /** This worker released its reservation made at {@code reservedAt}: the record's return changes nothing. */
  public synchronized void ownReleased(String workerId, String notificationId, Instant reservedAt) {
    ownPending.add(id('X', workerId, notificationId, reservedAt));
  }

  /** Whether the usage topic has been read up to where it ended when the last assignment came. */
  public synchronized boolean caughtUp() {
    return caughtUp;
  }

  public synchronized void caughtUp(boolean value) {
    caughtUp = value;
  }

  /** Sends of {@code account} on {@code partitions} at or after {@code since}. */
  public synchronized int used(String account, Collection<Integer> partitions, Instant since) {
    int used = 0;
    for (UsageLog log : logs(account, partitions)) {
      used += log.countFrom(since.toEpochMilli());
    }
    return used;
  }

  /**
   * When the {@code nth} oldest send of {@code account} on {@code partitions} at or after
   * {@code since} happened (1 = the oldest); null when there are fewer. A quota that is full waits
   * until enough of its oldest sends have left the window.
   */
  public synchronized Instant nthOldest(String account, Collection<Integer> partitions, Instant since, int nth) {
    List<UsageLog> logs = logs(account, partitions);
    SortedMap<Long, Integer> merged;
    if (logs.size() == 1) {
      merged = logs.get(0).from(since.toEpochMilli());
    } else {
      merged = new TreeMap<>();
      for (UsageLog log : logs) {
        log.from(since.toEpochMilli()).forEach((t, c) -> merged.merge(t, c, Integer::sum));
      }
    }
    int seen = 0;
    for (Map.Entry<Long, Integer> e : merged.entrySet()) {
      seen += e.getValue();
      if (seen >= nth) {
        return Instant.ofEpochMilli(e.getKey());
      }
    }
    return null;
  }

  /**
   * How many sends of {@code account} in the window are beyond their own partitions' parts of {@code quota} under
   * {@code total} partitions, and when the first of them leaves its window (null when none are). Parts never let a
   * partition past its own, so only a send topic grown within the window makes any: the old partitions' sends were
   * counted against larger parts (a partition past the count, against none).
   */
  synchronized Excess excess(String account, Quota quota, int total, Instant now) {
    int messages = 0;
    Instant eases = null;
    for (Map.Entry<Integer, UsageLog> log : accepted.getOrDefault(account, Map.of()).entrySet()) {
      Quota.Slice slice = log.getKey() < total ? quota.slice(log.getKey(), total) : new Quota.Slice(0, quota.window());
      long since = slice.since(now).toEpochMilli();
      int used = log.getValue().countFrom(since);
      if (used > slice.limit()) {
        messages += used - slice.limit();
        Instant leaves = Instant.ofEpochMilli(log.getValue().from(since).firstKey()).plus(slice.window());
        eases = eases == null || leaves.isBefore(eases) ? leaves : eases;
      }
    }
    return messages == 0 ? Excess.NONE : new Excess(messages, eases);
  }

  /** Sends beyond their partitions' parts ({@link #excess}); {@code eases} when the first leaves its window. */
  record Excess(int messages, Instant eases) {
    static final Excess NONE = new Excess(0, null);
  }

  /** Drops what no quota window can reach any more. */
  public synchronized void trim(Instant now) {
    long oldest = now.minus(HORIZON).toEpochMilli();
    open.values().removeIf(o -> o.at() < oldest);
    for (Map<Integer, UsageLog> byPartition : accepted.values()) {
      for (UsageLog log : byPartition.values()) {
        log.trim(oldest);
      }
    }
  }

  private void record(String account, int partition, Instant at) {
    accepted.computeIfAbsent(account, a -> new HashMap<>())
        .computeIfAbsent(partition, p -> new UsageLog())
        .add(at.toEpochMilli());
  }

  /** Stops counting one of the reservation's entries, if it is still open. */
  private void settle(String account, String notificationId, String workerId, Instant reservedAt) {
    String name = reservation(account, notificationId, workerId, reservedAt);
    Open o = open.get(name);
    if (o == null) {
      return;
    }
    if (o.count() > 1) {
      open.put(name, new Open(o.partition(), o.at(), o.count() - 1));
    } else {
      open.remove(name);
    }
    UsageLog log = accepted.getOrDefault(account, Map.of()).get(o.partition());
    if (log != null) {
      log.remove(o.at());
    }
  }

  /** Where an open reservation is counted, and how many sends of that name it holds. */
  private record Open(int partition, long at, int count) {
  }

  private List<UsageLog> logs(String account, Collection<Integer> partitions) {
    Map<Integer, UsageLog> byPartition = accepted.getOrDefault(account, Map.of());
    List<UsageLog> logs = new ArrayList<>();
    for (int p : partitions) {
      UsageLog log = byPartition.get(p);
      if (log != null) {
        logs.add(log);
      }
    }
    return logs;
  }

  /** A usage record of this worker on its way through the topic: its kind (A, R, X), worker, notification, time. */
  private static String id(char kind, String workerId, String notificationId, Instant at) {
    return kind + workerId + '\u0000' + notificationId + '\u0000' + at.toEpochMilli();
  }

  private static String reservation(String account, String notificationId, String workerId, Instant reservedAt) {
    return account + '\u0000' + workerId + '\u0000' + notificationId + '\u0000' + reservedAt.toEpochMilli();
  }
}
