package dev.notifier.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Where a run's slow mail came from: the mails over a bound, grouped by their events' intended send times into
 * episodes (consecutive 100 ms slices of the schedule with a mail over the bound), and the collector's pauses in
 * each episode's reach (from its first intended send time to its last plus its slowest mail's latency: a stall
 * that delayed that mail happened in there). A tail made of one or two long episodes is a stall; one spread
 * evenly over the window is a queue the load keeps up.
 *
 * @param mails every measured mail, in no order
 * @param visible every measured notification's latency to the moment the topology's transaction made it visible in
 *     the send topic, in no order: an episode whose notifications were visible late was a stall of the topology or the
 *     broker, one whose were not a stall of the worker or the SMTP server
 * @param pauses the collector's pauses recorded while the run went on
 * @param boundMicros the latency a mail is slow over
 */
record LatencyTail(List<Timed> mails, List<Timed> visible, List<GcPauses.Pause> pauses, long boundMicros) {

  /** One mail: when its event was meant to be sent (epoch microseconds) and its latency from then. */
  record Timed(long intendedMicros, long latencyMicros) {
  }

  /** A run of slices with slow mail: where it starts in the schedule, how long, its mails, the pauses within reach. */
  record Episode(long startMicros, long endMicros, int slow, long peakMicros, long peakVisibleMicros,
      long pausedMicros, long longestPauseMicros) {
  }

  static final long SLICE_MICROS = 100_000;

  LatencyTail {
    mails = List.copyOf(mails);
    visible = List.copyOf(visible);
    pauses = List.copyOf(pauses);
  }

  /** The episodes, in schedule order. */
  List<Episode> episodes() {
    List<Timed> slow = mails.stream().filter(m -> m.latencyMicros() > boundMicros)
        .sorted(Comparator.comparingLong(Timed::intendedMicros)).toList();
    List<Episode> episodes = new ArrayList<>();
    int i = 0;
    while (i < slow.size()) {
      long start = slow.get(i).intendedMicros();
      long end = start;
      long peak = 0;
      int count = 0;
      while (i < slow.size() && slow.get(i).intendedMicros() < slice(end) + 2 * SLICE_MICROS) {
        end = slow.get(i).intendedMicros();
        peak = Math.max(peak, slow.get(i).latencyMicros());
        count++;
        i++;
      }
      episodes.add(episode(start, end, count, peak));
    }
    return episodes;
  }

  private static long slice(long micros) {
    return micros - Math.floorMod(micros, SLICE_MICROS);
  }

  private Episode episode(long start, long end, int slow, long peak) {
    long reachEnd = end + peak;
    long paused = 0;
    long longest = 0;
    for (GcPauses.Pause p : pauses) {
      long overlap = Math.min(p.endMicros(), reachEnd) - Math.max(p.startMicros(), start);
      if (overlap > 0) {
        paused += overlap;
        longest = Math.max(longest, p.micros());
      }
    }
    long peakVisible = visible.stream().filter(v -> v.intendedMicros() >= start && v.intendedMicros() <= end)
        .mapToLong(Timed::latencyMicros).max().orElse(-1);
    return new Episode(start, end, slow, peak, peakVisible, paused, longest);
  }

  /** The mails over the bound. */
  int slow() {
    return (int) mails.stream().filter(m -> m.latencyMicros() > boundMicros).count();
  }

  /** The collector's pauses within the schedule's reach: its first intended send time to its last mail's arrival. */
  List<GcPauses.Pause> pausesInWindow() {
    long from = mails.stream().mapToLong(Timed::intendedMicros).min().orElse(0);
    long to = mails.stream().mapToLong(m -> m.intendedMicros() + m.latencyMicros()).max().orElse(0);
    return pauses.stream().filter(p -> p.endMicros() > from && p.startMicros() < to).toList();
  }

  /**
   * One line for the report: how much mail was slow, in how many episodes, the longest three with their pauses, and
   * what the collector paused over the whole window.
   */
  String summary() {
    long origin = mails.stream().mapToLong(Timed::intendedMicros).min().orElse(0);
    List<Episode> episodes = episodes();
    List<GcPauses.Pause> window = pausesInWindow();
    long windowPaused = window.stream().mapToLong(GcPauses.Pause::micros).sum();
    long windowLongest = window.stream().mapToLong(GcPauses.Pause::micros).max().orElse(0);
    int slow = slow();
    StringBuilder line = new StringBuilder();
    line.append(slow).append(" of ").append(mails.size()).append(" mails over ").append(boundMicros / 1000)
        .append(" ms (").append(String.format(Locale.ROOT, "%.2f", mails.isEmpty() ? 0 : 100.0 * slow / mails.size()))
        .append(" %), in ")
        .append(episodes.size()).append(episodes.size() == 1 ? " episode" : " episodes");
    List<Episode> worst = episodes.stream().sorted(Comparator.comparingInt(Episode::slow).reversed()).limit(3)
        .toList();
    if (!worst.isEmpty()) {
      line.append("; the largest: ");
      List<String> each = new ArrayList<>();
      for (Episode e : worst) {
        each.add(e.slow() + " mails of the schedule's " + seconds(e.startMicros() - origin) + " to "
            + seconds(e.endMicros() - origin) + " s, peak " + millis(e.peakMicros()) + " ms"
            + (e.peakVisibleMicros() < 0 ? "" : " (visible in the send topic after at most "
            + millis(e.peakVisibleMicros()) + " ms)") + ", the collector pausing "
            + millis(e.pausedMicros()) + " ms within its reach"
            + (e.pausedMicros() > 0 ? " (longest " + millis(e.longestPauseMicros()) + " ms)" : ""));
      }
      line.append(String.join("; ", each));
    }
    line.append("; over the whole window the collector paused ").append(window.size()).append(" times for ")
        .append(millis(windowPaused)).append(" ms (longest ").append(millis(windowLongest)).append(" ms)");
    return line.toString();
  }

  private static String seconds(long micros) {
    return String.format(Locale.ROOT, "%.1f", micros / 1e6);
  }

  private static long millis(long micros) {
    return Math.round(micros / 1000.0);
  }
}
