package dev.notifier.cli.ops.invalid;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The newest {@code limit} invalid events of a pass over the topic, and how many were offered: a listing holds no
 * more than it shows, however many events the topic keeps (each may be as large as the topic allows).
 */
public final class Newest {

  private final int limit;
  private final PriorityQueue<InvalidEvent> kept;
  private int offered;

  public Newest(int limit) {
    this.limit = limit;
    this.kept = new PriorityQueue<>(InvalidEvent.BY_PUBLICATION);
  }

  public void offer(InvalidEvent e) {
    offered++;
    kept.add(e);
    if (kept.size() > limit) {
      kept.poll();
    }
  }

  /** How many events were offered. */
  public int offered() {
    return offered;
  }

  /** The events kept, newest first. */
  public List<InvalidEvent> newestFirst() {
    List<InvalidEvent> events = new ArrayList<>(kept);
    events.sort(InvalidEvent.BY_PUBLICATION.reversed());
    return events;
  }
}
