package dev.notifier.cli.ops.suppressions;

import dev.notifier.avro.Suppression;
import dev.notifier.avro.SuppressionReason;
import dev.notifier.cli.ops.TimeArgs;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifier suppressions add ADDRESS --reason TEXT}: stop mailing an address by hand, audited. */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = "Suppress an address by hand (reason manual); the next event for it is skipped as suppressed.")
public final class SuppressionsAddCommand extends SuppressionChange {

  @Option(names = "--category", paramLabel = "TEMPLATE_OR_GLOB",
      description = "only this template or event-type glob (repeatable); default: all mail")
  List<String> categories = new ArrayList<>();

  @Option(names = "--for", paramLabel = "DURATION", description = "lapse after this long, e.g. 30d; default: until removed")
  String lasting;

  @Override
  protected int run() {
    Changer who = changer();
    Topics topics = kafka.topics();
    String key = NotificationIds.normalize(address);
    Instant now = clock.instant();
    Duration span = lasting == null ? null : TimeArgs.duration("--for", lasting);
    Optional<Suppression> before = SuppressionList.read(topicReader(), topics).of(key);
    Suppression after = Suppression.newBuilder()
        .setAddress(key).setReason(SuppressionReason.MANUAL)
        .setCategories(categories.stream().map(String::strip).filter(c -> !c.isEmpty()).toList())
        .setSource("cli:" + who.principal()).setDetail(who.reason())
        .setFirstSeen(before.map(Suppression::getFirstSeen).orElse(now)).setLastSeen(now)
        .setCount(before.map(s -> s.getCount() + 1).orElse(1))
        .setExpiresAt(span == null ? null : now.plus(span))
        .build();
    new SuppressionWriter(kafka.settings().clientProperties(), topics).write(key, after,
        SuppressionAudit.record(SuppressionAudit.ADDED, key, after, before.orElse(null), who, now),
        "notifier suppressions add");
    out().println("suppressed " + key + " by " + who.who() + ": " + SuppressionView.sentence(after, now));
    out().flush();
    return 0;
  }
}
