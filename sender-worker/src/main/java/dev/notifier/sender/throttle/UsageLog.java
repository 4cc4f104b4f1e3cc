package dev.notifier.sender.throttle;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The sends of one account on one send partition, by millisecond, counted from a moment in time without walking
 * the whole window. A quota asks "how many since {@code now - window}" before every send, and a day's window of a
 * large account holds hundreds of thousands of sends: summing them each time made the throttle the worker's hottest
 * code. So the log keeps a few cursors — a moment and the sends at or after it — each moved forward as its queries'
 * moment moves, which costs only the sends that left between two queries; a send added or removed at or after a
 * cursor's moment updates its count. A query before every cursor (a new window, or a clock set back) walks the log
 * once and becomes a cursor of its own, replacing the one used longest ago when there are {@link #CURSORS}.
 *
 * <p>Not thread-safe: the {@link QuotaLedger} holds its lock around every call.
 */
final class UsageLog {

  /** Cursors kept: one per window the account's quotas ask about (minute, day, a part's longer window), and spare. */
  static final int CURSORS = 4;

  private final TreeMap<Long, Integer> counts = new TreeMap<>();
  private final List<Cursor> cursors = new ArrayList<>(CURSORS);
  private long uses;

  /** One more send at {@code at} (epoch milliseconds). */
  void add(long at) {
    counts.merge(at, 1, Integer::sum);
    for (Cursor c : cursors) {
      if (at >= c.since) {
        c.count++;
      }
    }
  }

  /** One send fewer at {@code at}, if there is one there. */
  void remove(long at) {
    Integer n = counts.get(at);
    if (n == null) {
      return;
    }
    if (n > 1) {
      counts.put(at, n - 1);
    } else {
      counts.remove(at);
    }
    for (Cursor c : cursors) {
      if (at >= c.since) {
        c.count--;
      }
    }
  }

  /** The sends at or after {@code since}. */
  int countFrom(long since) {
    Cursor best = null;
    for (Cursor c : cursors) {
      if (c.since <= since && (best == null || c.since > best.since)) {
        best = c;
      }
    }
    if (best == null) {
      best = newCursor(since);
    } else if (best.since < since) {
      for (int n : counts.subMap(best.since, true, since, false).values()) {
        best.count -= n;
      }
      best.since = since;
    }
    best.used = ++uses;
    return best.count;
  }

  /** The sends at or after {@code since}, by millisecond (a view: do not change it). */
  SortedMap<Long, Integer> from(long since) {
    return counts.tailMap(since, true);
  }

  /** Drops the sends before {@code oldest}, and every cursor that counted some of them. */
  void trim(long oldest) {
    counts.headMap(oldest, false).clear();
    cursors.removeIf(c -> c.since < oldest);
  }

  private Cursor newCursor(long since) {
    Cursor c = new Cursor();
    c.since = since;
    for (int n : counts.tailMap(since, true).values()) {
      c.count += n;
    }
    if (cursors.size() == CURSORS) {
      Cursor oldest = cursors.get(0);
      for (Cursor other : cursors) {
        if (other.used < oldest.used) {
          oldest = other;
        }
      }
      cursors.remove(oldest);
    }
    cursors.add(c);
    return c;
  }

  private static final class Cursor {
    long since;
    int count;
    long used;
  }
}
