package dev.notifier.cli.ops.dlt;

import dev.notifier.avro.DeliveryStatus;
import dev.notifier.cli.ops.LedgerReader;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.ProgressBar;
import dev.notifier.cli.ops.StatusEntry;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.sender.Sleeper;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The one code path of a replay, for {@code notifier dlt replay} and the console alike: the
 * request's checks (a filter beyond a time range or {@code all}, a reason, the rate cap), the plan
 * ({@link ReplayPlan}: ledger, superseded, quarantine by the audit's count), and the replay itself
 * ({@link Replayer}: send record, QUEUED status and audit record in one transaction each).
 */
public final class ReplayService {

  /** Replays at most this many notifications a second unless the request says otherwise. */
  public static final double DEFAULT_RATE = 20;
  /** The fastest a replay may go: the workers keep the providers' limits, a faster replay only floods the send topic. */
  public static final double MAX_RATE = 200;
  public static final int DEFAULT_MAX_REPLAYS = 3;

  private final Properties clientProperties;
  private final Topics topics;
  private final TopicReader reader;
  private final Clock clock;
  private final Keyring integrity;

  public ReplayService(Properties clientProperties, Topics topics, TopicReader reader, Clock clock) {
    this(clientProperties, topics, reader, clock, Keyring.off());
  }

  /** As above, the replayed notifications signed with {@code integrity} when it signs. */
  public ReplayService(Properties clientProperties, Topics topics, TopicReader reader, Clock clock,
      Keyring integrity) {
    this.integrity = integrity;
    this.clientProperties = clientProperties;
    this.topics = topics;
    this.reader = reader;
    this.clock = clock;
  }

  /** What a person asks for: which dead letters, why, how fast, and whether past the loop guard. */
  public record Request(DltFilter filter, boolean all, String reason, Double rate, int maxReplays, boolean force) {

    /** Refuses a request that must not run, saying why and what to do (option names as the CLI spells them). */
    public void check() {
      if (reason == null || reason.isBlank()) {
        throw new OpsException("--reason is empty: say why these are replayed, e.g. --reason \"mailbox restored, "
            + "INC-123\"");
      }
      if (rate != null && !(rate > 0 && rate <= MAX_RATE)) {
        throw new OpsException("--rate " + rate + " must be a number of notifications per second above 0 and at most "
            + (int) MAX_RATE + ", e.g. --rate 10");
      }
      if (maxReplays < 1) {
        throw new OpsException("--max-replays " + maxReplays + " must be at least 1, e.g. --max-replays 3");
      }
      if (!filter.isRestrictedBeyondTime() && !all) {
        throw new OpsException("replay without a filter would replay every dead letter" + (filter.isRestricted()
            ? " of the time range (a time range alone is not a filter for a replay)" : "") + ": add a filter (e.g. "
            + "--class DEAD_RECIPIENT --domain example.org) or pass --all");
      }
    }

    double pace() {
      return rate == null ? DEFAULT_RATE : rate;
    }

    /** The replay's pacer: {@code --rate}, else {@link #DEFAULT_RATE} a second — a replay is never unpaced. */
    Pacer pacer(LongSupplier nanoTime, Sleeper sleeper) {
      return new Pacer(pace(), nanoTime, sleeper);
    }
  }

  /** A checked request, the dead letters it matched, the plan and the audit's replay counts. */
  public record Planned(Request request, List<DeadLetterEntry> matched, ReplayPlan plan,
      Map<String, Integer> replayCounts) {
  }

  public Planned plan(Request request) {
    request.check();
    List<DeadLetterEntry> entries = new DltReader(reader, topics).read(request.filter()).entries();
    Set<String> ids = entries.stream().map(DeadLetterEntry::notificationId).collect(Collectors.toSet());
    Predicate<DeliveryStatus> ofThese = s -> ids.contains(s.getNotificationId());
    Map<String, StatusEntry> latest = ids.isEmpty() ? Map.of() : new LedgerReader(reader, topics).latest(ofThese);
    Map<String, Integer> replayCounts = ReplayAudit.replayCounts(reader, topics.audit().name(), ids);
    ReplayPlan plan = ReplayPlan.of(entries, latest, replayCounts,
        request.force() ? Integer.MAX_VALUE : request.maxReplays());
    return new Planned(request, entries, plan, replayCounts);
  }

  /** Replays what was planned; returns how many were written. */
  public int replay(Planned planned, Replayer.Provenance provenance, ProgressBar progress) {
    return new Replayer(clientProperties, topics, clock, integrity).replay(planned.plan(), provenance, planned.replayCounts(),
        planned.request().force(), planned.request().pacer(System::nanoTime, Sleeper.SYSTEM), progress);
  }
}
