package dev.notifier.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The garbage collector's pauses in the bench's JVM while it is open, each with its wall-clock start, from the
 * platform's collection notifications. A collector that works concurrently (G1's concurrent cycle) stops no thread
 * and is left out: only the young, mixed and full collections that stop the world are recorded.
 */
final class GcPauses implements AutoCloseable {

  /** One pause: when it started (epoch microseconds), how long it stopped the JVM, which collection it was. */
  record Pause(long startMicros, long micros, String collection) {

    long endMicros() {
      return startMicros + micros;
    }
  }

  private final ConcurrentLinkedQueue<Pause> pauses = new ConcurrentLinkedQueue<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final long jvmStartMicros = ManagementFactory.getRuntimeMXBean().getStartTime() * 1000;
  private final NotificationListener listener = (notification, handback) -> {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
        (CompositeData) notification.getUserData());
    if (info.getGcName().contains("Concurrent")) {
      return;
    }
    pauses.add(new Pause(jvmStartMicros + info.getGcInfo().getStartTime() * 1000,
        info.getGcInfo().getDuration() * 1000, info.getGcName() + " (" + info.getGcCause() + ")"));
  };

  private GcPauses() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  /** Starts recording. */
  static GcPauses record() {
    return new GcPauses();
  }

  /** The pauses recorded so far, in the order they ended. */
  List<Pause> pauses() {
    return List.copyOf(pauses);
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException gone) {
        // already removed: nothing to undo
      }
    }
  }
}
