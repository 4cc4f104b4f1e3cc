package dev.notifier.streams;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.registry.RegistrySettings;
import dev.notifier.streams.expand.RuleBook;
import dev.notifier.streams.expand.RuleBookLoader;
import dev.notifier.streams.feedback.SuppressionPolicy;
import dev.notifier.streams.render.TemplateRenderer;
import dev.notifier.streams.render.Renderer;
import dev.notifier.streams.route.AccountRouter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The {@code streams:} section of a notifier config file.
 *
 * @param applicationId the Kafka Streams application id (consumer group, internal topic prefix)
 * @param stateDir where local state lives; a temporary directory when absent
 * @param dedupWindow how long a notification id is remembered, ISO-8601 (e.g. PT24H)
 * @param rulesFile a YAML rules file; the built-in ZenTao catalogue when absent
 * @param templatesDir a directory of templates overriding the built-in ones
 * @param defaultLocale the locale used when a recipient's has no template (default en)
 * @param maxEventBytes the largest event accepted (default 1 MiB); larger ones are invalid
 * @param threads stream threads in this instance
 * @param suppressions which feedback suppresses an address (see {@link SuppressionPolicy})
 * @param schemaRegistry a Confluent-compatible schema registry, to read events in its wire format (none: such
 *     events are invalid), and, with its {@code outputs: registry}, to write the send, status and dead-letter
 *     topics in it
 * @param commitInterval how often the topology commits its transaction, ISO-8601 (default {@link
 *     #DEFAULT_COMMIT_INTERVAL}): a notification reaches the workers only once committed, so this bounds the
 *     time it waits in each of the topology's hops (one, or two with a policy stage); each commit costs a
 *     transaction
 * @param retiredCommitWhenCaughtUp the key {@code commitWhenCaughtUp}, retired: any value stops start-up with
 *     what to do instead (commits when caught up lengthened the tail near half the maximum; a shorter {@code
 *     commitInterval} replaced them)
 * @param policyTick how often the policy stage looks for due digests and held mail, ISO-8601 (default {@link
 *     TopologySettings#DEFAULT_POLICY_TICK}): a digest or a mail held in quiet hours goes out at most this long
 *     after it is due; each look reads the due index of every task's store
 */
public record StreamsSettings(
    @JsonProperty("applicationId") String applicationId,
    @JsonProperty("stateDir") String stateDir,
    @JsonProperty("dedupWindow") Duration dedupWindow,
    @JsonProperty("rulesFile") String rulesFile,
    @JsonProperty("templatesDir") String templatesDir,
    @JsonProperty("defaultLocale") String defaultLocale,
    @JsonProperty("maxEventBytes") Integer maxEventBytes,
    @JsonProperty("threads") Integer threads,
    @JsonProperty("suppressions") SuppressionPolicy suppressions,
    @JsonProperty("schemaRegistry") RegistrySettings schemaRegistry,
    @JsonProperty("commitInterval") Duration commitInterval,
    @JsonProperty("commitWhenCaughtUp") Duration retiredCommitWhenCaughtUp,
    @JsonProperty("policyTick") Duration policyTick) {

  /**
   * The commit interval unless configured. Kafka Streams' exactly-once default is 100 ms. At half the
   * pipeline's maximum 50 ms kept the pipeline's maximum within 10 % of the 100 ms interval's in all nine
   * benchmark runs, and the p99 from event to SMTP under 150 ms in eight of them; 30 ms, the default before, cut
   * the p99 further but cost the maximum 10 to 18 % (README, "How soon mail leaves the topology").
   */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(50);
  static final Duration MIN_COMMIT_INTERVAL = Duration.ofMillis(10);
  static final Duration MAX_COMMIT_INTERVAL = Duration.ofSeconds(30);
  static final Duration MIN_POLICY_TICK = Duration.ofSeconds(1);
  static final Duration MAX_POLICY_TICK = Duration.ofMinutes(5);

  public StreamsSettings {
    applicationId = applicationId == null ? "notifier-streams" : applicationId;
    dedupWindow = dedupWindow == null ? TopologySettings.DEFAULT_DEDUP_WINDOW : dedupWindow;
    if (dedupWindow.isNegative() || dedupWindow.isZero()) {
      throw new IllegalArgumentException("streams.dedupWindow is " + dedupWindow
          + ": it must be positive, e.g. PT24H for 24 hours");
    }
    defaultLocale = defaultLocale == null ? "en" : defaultLocale;
    maxEventBytes = maxEventBytes == null ? TopologySettings.DEFAULT_MAX_EVENT_BYTES : maxEventBytes;
    if (maxEventBytes < 1024) {
      throw new IllegalArgumentException("streams.maxEventBytes is " + maxEventBytes
          + ": it must be at least 1024 (default 1048576)");
    }
    suppressions = suppressions == null ? SuppressionPolicy.DEFAULTS : suppressions;
    threads = threads == null ? 1 : threads;
    if (threads < 1) {
      throw new IllegalArgumentException("streams.threads is " + threads + ": it must be at least 1");
    }
    commitInterval = commitInterval == null ? DEFAULT_COMMIT_INTERVAL : commitInterval;
    if (commitInterval.compareTo(MIN_COMMIT_INTERVAL) < 0 || commitInterval.compareTo(MAX_COMMIT_INTERVAL) > 0) {
      throw new IllegalArgumentException("streams.commitInterval is " + commitInterval + ": it must be between "
          + MIN_COMMIT_INTERVAL + " and " + MAX_COMMIT_INTERVAL + " (default " + DEFAULT_COMMIT_INTERVAL
          + "); shorter gets mail to the workers sooner, longer spends fewer transactions");
    }
    if (retiredCommitWhenCaughtUp != null) {
      throw new IllegalArgumentException("streams.commitWhenCaughtUp is " + retiredCommitWhenCaughtUp + ": this key"
          + " is retired; the topology commits every streams.commitInterval (now " + commitInterval + ", default "
          + DEFAULT_COMMIT_INTERVAL + "). Delete the key, or set streams.commitInterval to how often to commit");
    }
    policyTick = policyTick == null ? TopologySettings.DEFAULT_POLICY_TICK : policyTick;
    if (policyTick.compareTo(MIN_POLICY_TICK) < 0 || policyTick.compareTo(MAX_POLICY_TICK) > 0) {
      throw new IllegalArgumentException("streams.policyTick is " + policyTick + ": it must be between "
          + MIN_POLICY_TICK + " and " + MAX_POLICY_TICK + " (default " + TopologySettings.DEFAULT_POLICY_TICK
          + "); a digest or held mail goes out at most this long after it is due");
    }
  }

  /** Settings with the default suppression policy and no schema registry. */
  public StreamsSettings(String applicationId, String stateDir, Duration dedupWindow, String rulesFile,
      String templatesDir, String defaultLocale, Integer maxEventBytes, Integer threads) {
    this(applicationId, stateDir, dedupWindow, rulesFile, templatesDir, defaultLocale, maxEventBytes, threads, null,
        null, null, null, null);
  }

  public static StreamsSettings defaults() {
    return new StreamsSettings(null, null, null, null, null, null, null, null);
  }

  /** The topology settings these stand for, routing with {@code router}. */
  public TopologySettings topology(Topics topics, AccountRouter router) {
    RuleBook rules = rulesFile == null ? RuleBookLoader.defaults() : RuleBookLoader.load(Path.of(rulesFile));
    return new TopologySettings(topics, rules, dedupWindow, renderer(), router, maxEventBytes, Clock.systemUTC())
        .withSuppressions(suppressions).withPolicyTick(policyTick);
  }

  /** The templates (the operator's directory over the built-in ones), checked before anything runs. */
  private Renderer renderer() {
    TemplateRenderer renderer = templatesDir == null ? TemplateRenderer.classpath(defaultLocale)
        : TemplateRenderer.directory(Path.of(templatesDir), defaultLocale);
    renderer.validate();
    return renderer;
  }

  public StreamsSettings withApplicationId(String id) {
    return copy(f -> f.applicationId = id);
  }

  public StreamsSettings withStateDir(String dir) {
    return copy(f -> f.stateDir = dir);
  }

  public StreamsSettings withSchemaRegistry(RegistrySettings registry) {
    return copy(f -> f.schemaRegistry = registry);
  }

  public StreamsSettings withCommitInterval(Duration interval) {
    return copy(f -> f.commitInterval = interval);
  }

  public StreamsSettings withThreads(int count) {
    return copy(f -> f.threads = count);
  }

  public StreamsSettings withRulesFile(String file) {
    return copy(f -> f.rulesFile = file);
  }

  public StreamsSettings withPolicyTick(Duration tick) {
    return copy(f -> f.policyTick = tick);
  }

  public StreamsSettings withMaxEventBytes(int bytes) {
    return copy(f -> f.maxEventBytes = bytes);
  }

  /** These settings with {@code change} made, checked again by the canonical constructor. */
  private StreamsSettings copy(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new StreamsSettings(f.applicationId, f.stateDir, dedupWindow, f.rulesFile, templatesDir, defaultLocale,
        f.maxEventBytes, f.threads, suppressions, f.schemaRegistry, f.commitInterval, null, f.policyTick);
  }

  /** The settings a copy may change. */
  private static final class Fields {
    String applicationId;
    String stateDir;
    String rulesFile;
    Integer maxEventBytes;
    Integer threads;
    RegistrySettings schemaRegistry;
    Duration commitInterval;
    Duration policyTick;

    Fields(StreamsSettings s) {
      applicationId = s.applicationId;
      stateDir = s.stateDir;
      rulesFile = s.rulesFile;
      maxEventBytes = s.maxEventBytes;
      threads = s.threads;
      schemaRegistry = s.schemaRegistry;
      commitInterval = s.commitInterval;
      policyTick = s.policyTick;
    }
  }
}
