package dev.notifier.streams;

import dev.notifier.schemas.Topics;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.streams.expand.RuleBook;
import dev.notifier.streams.expand.RuleBookLoader;
import dev.notifier.streams.feedback.SuppressionPolicy;
import dev.notifier.streams.metrics.TopologyMetrics;
import dev.notifier.streams.render.TemplateRenderer;
import dev.notifier.streams.render.Renderer;
import dev.notifier.streams.route.AccountRouter;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What the topology needs besides Kafka settings: topics, rules (with their policies), dedup window,
 * rendering, routing, the largest event accepted, the clock that stamps statuses, the counters it
 * moves, how often the policy stage looks for due digests and held mail, and the suppression policy
 * (which feedback suppresses an address, and whether critical mail ignores suppressions), and the keys
 * notifications are signed with ({@link Keyring}; off by default).
 */
public record TopologySettings(Topics topics, RuleBook rules, Duration dedupWindow, Renderer renderer,
    AccountRouter router, int maxEventBytes, Clock clock, TopologyMetrics metrics, Duration policyTick,
    SuppressionPolicy suppressions, Keyring integrity) {

  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(24);
  public static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
  /** A digest or held mail goes out at most this long after it is due. */
  public static final Duration DEFAULT_POLICY_TICK = Duration.ofSeconds(10);

  /** Settings whose counters nobody scrapes (see {@link #withMetrics} for the ones that are). */
  public TopologySettings(Topics topics, RuleBook rules, Duration dedupWindow, Renderer renderer,
      AccountRouter router, int maxEventBytes, Clock clock) {
    this(topics, rules, dedupWindow, renderer, router, maxEventBytes, clock, TopologyMetrics.unscraped(),
        DEFAULT_POLICY_TICK, SuppressionPolicy.DEFAULTS, Keyring.off());
  }

  /** Default settings: the built-in rules and templates, a 24 h dedup window, one account. */
  public static TopologySettings defaults(Topics topics, String defaultAccount) {
    return new TopologySettings(topics, RuleBookLoader.defaults(), DEFAULT_DEDUP_WINDOW, TemplateRenderer.classpath(),
        AccountRouter.single(defaultAccount), DEFAULT_MAX_EVENT_BYTES, Clock.systemUTC());
  }

  public TopologySettings withClock(Clock newClock) {
    return copy(f -> f.clock = newClock);
  }

  public TopologySettings withDedupWindow(Duration window) {
    return copy(f -> f.dedupWindow = window);
  }

  public TopologySettings withRules(RuleBook newRules) {
    return copy(f -> f.rules = newRules);
  }

  public TopologySettings withRenderer(Renderer newRenderer) {
    return copy(f -> f.renderer = newRenderer);
  }

  public TopologySettings withRouter(AccountRouter newRouter) {
    return copy(f -> f.router = newRouter);
  }

  public TopologySettings withMaxEventBytes(int bytes) {
    return copy(f -> f.maxEventBytes = bytes);
  }

  public TopologySettings withMetrics(TopologyMetrics newMetrics) {
    return copy(f -> f.metrics = newMetrics);
  }

  public TopologySettings withSuppressions(SuppressionPolicy policy) {
    return copy(f -> f.suppressions = policy);
  }

  public TopologySettings withPolicyTick(Duration tick) {
    return copy(f -> f.policyTick = tick);
  }

  /** Signs what is written to the send topic with {@code keys} when they sign ({@code integrity} section). */
  public TopologySettings withIntegrity(Keyring keys) {
    return copy(f -> f.integrity = keys);
  }

  /** These settings with {@code change} made. */
  private TopologySettings copy(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new TopologySettings(f.topics, f.rules, f.dedupWindow, f.renderer, f.router, f.maxEventBytes, f.clock,
        f.metrics, f.policyTick, f.suppressions, f.integrity);
  }

  /** The settings, each of which a copy may change. */
  private static final class Fields {
    Topics topics;
    RuleBook rules;
    Duration dedupWindow;
    Renderer renderer;
    AccountRouter router;
    int maxEventBytes;
    Clock clock;
    TopologyMetrics metrics;
    Duration policyTick;
    SuppressionPolicy suppressions;
    Keyring integrity;

    Fields(TopologySettings s) {
      topics = s.topics;
      rules = s.rules;
      dedupWindow = s.dedupWindow;
      renderer = s.renderer;
      router = s.router;
      maxEventBytes = s.maxEventBytes;
      clock = s.clock;
      metrics = s.metrics;
      policyTick = s.policyTick;
      suppressions = s.suppressions;
      integrity = s.integrity;
    }
  }
}
