package dev.notifier.streams;

import dev.notifier.schemas.Topics;
import dev.notifier.streams.render.PlainRenderer;
import dev.notifier.streams.render.Renderer;
import dev.notifier.streams.route.AccountRouter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** What the topology needs besides Kafka settings: topics, dedup window, rendering, routing, clock. */
public record TopologySettings(Topics topics, Duration dedupWindow, Renderer renderer, AccountRouter router,
    Clock clock) {

  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(24);

  /** Default settings: standard topic names, a 24 h dedup window, plain rendering, one account. */
  public static TopologySettings defaults(Topics topics, String defaultAccount) {
    return new TopologySettings(topics, DEFAULT_DEDUP_WINDOW, new PlainRenderer(),
        new AccountRouter(Map.of(), defaultAccount), Clock.systemUTC());
  }

  public TopologySettings withClock(Clock newClock) {
    return new TopologySettings(topics, dedupWindow, renderer, router, newClock);
  }

  public TopologySettings withDedupWindow(Duration window) {
    return new TopologySettings(topics, window, renderer, router, clock);
  }
}
