package dev.notifier.cli.ops.suppressions;

import dev.notifier.avro.Suppression;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code notifier suppressions remove ADDRESS --reason TEXT}: mail the address again, audited. Dead
 * letters of the address are not replayed by this: {@code notifier dlt replay --to ADDRESS} does that.
 */
@Command(name = "remove", mixinStandardHelpOptions = true,
    description = "Lift an address's suppression; the next event for it is mailed again.")
public final class SuppressionsRemoveCommand extends SuppressionChange {

  @Override
  protected int run() {
    Changer who = changer();
    Topics topics = kafka.topics();
    String key = NotificationIds.normalize(address);
    Instant now = clock.instant();
    Optional<Suppression> before = SuppressionList.read(topicReader(), topics).of(key);
    if (before.isEmpty()) {
      err().println("notifier: " + key + " is not suppressed: nothing to remove (notifier suppressions list shows "
          + "what is)");
      err().flush();
      return 1;
    }
    new SuppressionWriter(kafka.settings().clientProperties(), topics).write(key, null,
        SuppressionAudit.record(SuppressionAudit.REMOVED, key, null, before.get(), who, now),
        "notifier suppressions remove");
    out().println("removed the suppression of " + key + " (" + SuppressionView.reason(before.get()) + " since "
        + before.get().getFirstSeen() + ") by " + who.who() + "; its next mail goes out. Dead letters are not "
        + "replayed by this: notifier dlt replay --to " + key + " --reason ... does that");
    out().flush();
    return 0;
  }
}
