package dev.notifier.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcPausesTest {

  @Test
  void aCollectionWhileRecordingIsAPauseWithItsWallClockStart() throws InterruptedException {
    long before = Instant.now().toEpochMilli() * 1000;
    try (GcPauses gc = GcPauses.record()) {
      System.gc();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (gc.pauses().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      long after = Instant.now().toEpochMilli() * 1000;
      List<GcPauses.Pause> pauses = gc.pauses();
      assertTrue(pauses.stream().anyMatch(p -> p.collection().contains("System.gc()")), pauses.toString());
      // the JVM's start time and the collection's offset from it are whole milliseconds: allow one either side
      assertTrue(pauses.stream().allMatch(p -> p.startMicros() >= before - 1000 && p.endMicros() <= after + 1000),
          before + " to " + after + ": " + pauses);
    }
  }
}
