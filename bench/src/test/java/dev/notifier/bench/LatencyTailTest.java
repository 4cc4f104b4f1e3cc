package dev.notifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyTailTest {

  private static final long ORIGIN = 1_765_000_000_000_000L;
  private static final long BOUND = 150_000;

  /** A mail every millisecond for {@code seconds}, each {@code latencyMicros} late. */
  private static List<LatencyTail.Timed> steady(int seconds, long latencyMicros) {
    List<LatencyTail.Timed> mails = new ArrayList<>();
    for (long t = 0; t < seconds * 1_000_000L; t += 1000) {
      mails.add(new LatencyTail.Timed(ORIGIN + t, latencyMicros));
    }
    return mails;
  }

  /** What a stall of {@code micros} from {@code at} does: each mail meant before its end waits until then. */
  private static List<LatencyTail.Timed> stalled(List<LatencyTail.Timed> mails, long at, long micros, long base) {
    return mails.stream().map(m -> {
      long sent = m.intendedMicros() - ORIGIN;
      long arrives = Math.max(sent + base, at + micros + base);
      return sent < at ? m : new LatencyTail.Timed(m.intendedMicros(), arrives - sent);
    }).toList();
  }

  @Test
  void aRunWithNoMailOverTheBoundHasNoEpisode() {
    LatencyTail tail = new LatencyTail(steady(5, 60_000), List.of(), List.of(), BOUND);

    assertEquals(0, tail.slow());
    assertEquals(List.of(), tail.episodes());
    assertTrue(tail.summary().startsWith("0 of 5000 mails over 150 ms (0.00 %), in 0 episodes"), tail.summary());
  }

  @Test
  void aStallIsOneEpisodeWithItsSlowMailAndThePauseWithinItsReach() {
    // a 400 ms stall 3 s into a 5 s schedule of 50 ms latency; the collector paused 300 ms of it, and 20 ms at 1 s
    List<LatencyTail.Timed> mails = stalled(steady(5, 50_000), 3_000_000, 400_000, 50_000);
    List<GcPauses.Pause> pauses = List.of(new GcPauses.Pause(ORIGIN + 1_000_000, 20_000, "G1 Young Generation"),
        new GcPauses.Pause(ORIGIN + 3_050_000, 300_000, "G1 Old Generation"));

    // the notifications were visible in the send topic on time: the stall was downstream of it
    LatencyTail tail = new LatencyTail(mails, steady(5, 30_000), pauses, BOUND);

    List<LatencyTail.Episode> episodes = tail.episodes();
    assertEquals(1, episodes.size(), episodes.toString());
    LatencyTail.Episode stall = episodes.get(0);
    // mails meant from 3.0 s to 3.3 s wait past 150 ms: 300 of them, the first 450 ms late
    assertEquals(300, stall.slow());
    assertEquals(tail.slow(), stall.slow());
    assertEquals(ORIGIN + 3_000_000, stall.startMicros());
    assertEquals(450_000, stall.peakMicros());
    assertEquals(30_000, stall.peakVisibleMicros());
    assertEquals(300_000, stall.pausedMicros());
    assertEquals(300_000, stall.longestPauseMicros());
    assertEquals(2, tail.pausesInWindow().size());
    assertTrue(tail.summary().contains("300 mails of the schedule's 3.0 to 3.3 s, peak 450 ms (visible in the send "
        + "topic after at most 30 ms), the collector pausing "
        + "300 ms within its reach (longest 300 ms)"), tail.summary());
    assertTrue(tail.summary().endsWith("the collector paused 2 times for 320 ms (longest 300 ms)"), tail.summary());
  }

  @Test
  void twoStallsAPartAreTwoEpisodesAndAStallWithNoPauseSaysSo() {
    List<LatencyTail.Timed> mails = stalled(stalled(steady(6, 50_000), 1_000_000, 300_000, 50_000),
        4_000_000, 250_000, 50_000);
    // the first stall was upstream of the send topic: its notifications were visible late too
    List<LatencyTail.Timed> visible = stalled(steady(6, 30_000), 1_000_000, 300_000, 30_000);

    LatencyTail tail = new LatencyTail(mails, visible, List.of(), BOUND);

    List<LatencyTail.Episode> episodes = tail.episodes();
    assertEquals(2, episodes.size(), episodes.toString());
    assertEquals(ORIGIN + 1_000_000, episodes.get(0).startMicros());
    assertEquals(ORIGIN + 4_000_000, episodes.get(1).startMicros());
    assertEquals(0, episodes.get(0).pausedMicros());
    assertEquals(330_000, episodes.get(0).peakVisibleMicros());
    assertEquals(30_000, episodes.get(1).peakVisibleMicros());
    assertTrue(tail.summary().contains("in 2 episodes"), tail.summary());
  }

  @Test
  void slowMailSpreadOverTheWindowIsAsManyEpisodesAsItsSlices() {
    // every 500 ms one mail is slow: a queue the load keeps up, not a stall
    List<LatencyTail.Timed> mails = new ArrayList<>(steady(5, 50_000));
    for (int i = 0; i < mails.size(); i += 500) {
      mails.set(i, new LatencyTail.Timed(mails.get(i).intendedMicros(), 200_000));
    }

    LatencyTail tail = new LatencyTail(mails, List.of(), List.of(), BOUND);

    assertEquals(10, tail.episodes().size());
    assertTrue(tail.summary().contains("peak 200 ms, the collector"), tail.summary());
    assertEquals(10, tail.slow());
  }
}
