package dev.notifier.bench;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.schemas.Topics;
import dev.notifier.streams.TopologySettings;
import dev.notifier.streams.parse.EventParser;
import dev.notifier.streams.render.Renderer;
import java.time.Duration;

/** The work alone (RenderFloor) against rendering alone: the three recipients' mails of each event. */
public class RenderProbe {
  public static void main(String[] a) {
    RenderFloor floor = new RenderFloor();
    Renderer renderer = TopologySettings.defaults(Topics.withPrefix("p."), "default").renderer();
    EventParser parser = new EventParser(1 << 20);
    Candidate[] cs = new Candidate[30_000];
    for (int i = 0; i < 10_000; i++) {
      DomainEvent event = parser.parse(BenchKafka.event("floor", i, "Login fails on Safari"));
      for (int m = 0; m < 3; m++) {
        String user = "u" + (i * 3 + m);
        cs[i * 3 + m] = Candidate.newBuilder().setEvent(event).setRole("group:g1").setUserId(user)
            .setEmail(user + "@example.com").setName("User " + user).setLocale("en").setTimeZone(null)
            .setTemplate("bug").setSkipReason(null).setSkipDetail(null).setNotifyActor(false).setPreferences(null)
            .build();
      }
    }
    for (int round = 0; round < 6; round++) {
      RenderFloor.Result r = floor.run(Duration.ofSeconds(3));
      long start = System.nanoTime();
      long sink = 0;
      int n = 0;
      while (System.nanoTime() - start < 3_000_000_000L) {
        for (int k = 0; k < 300; k++) {
          sink += renderer.render(cs[n % cs.length]).text().length();
          n++;
        }
      }
      double renderMsPerEvent = (System.nanoTime() - start) / 1e6 / (n / 3.0);
      System.out.printf("round %d: work alone %.4f ms/event (%.0f events/s); rendering 3 mails %.4f ms/event (%d)%n",
          round, r.cpuMillisPerEvent(), r.eventsPerSecond(), renderMsPerEvent, sink % 7);
    }
  }
}
