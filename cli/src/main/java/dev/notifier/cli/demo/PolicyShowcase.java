package dev.notifier.cli.demo;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.testkit.smtp.ReceivedMessage;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the demo's policies did, as the ledger and the SMTP server show it: the digests and their
 * items, the mail held in a recipient's quiet hours, and where the critical mail came among the bulk
 * mail published before it.
 */
final class PolicyShowcase {

  private static final Pattern ENTITY = Pattern.compile("\\p{L}[\\p{L} ]* #\\d+");
  private static final int LINE_WIDTH = 110;
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("HH:mm");

  private final Ledger ledger;
  private final NightOwl nightOwl;

  PolicyShowcase(Ledger ledger, NightOwl nightOwl) {
    this.ledger = ledger;
    this.nightOwl = nightOwl;
  }

  /** Digest id → how many notifications the ledger shows DIGESTED into it. */
  Map<String, Long> digests() {
    return ledger.latest(DeliveryState.DIGESTED).stream()
        .collect(Collectors.groupingBy(DeliveryStatus::getDigestId, TreeMap::new, Collectors.counting()));
  }

  List<DeliveryStatus> held() {
    return ledger.latest(DeliveryState.DEFERRED);
  }

  /**
   * Where the critical mail came at the server among the mails of the backlog: how many bulk mails
   * (published before it) reached the server before it. -1 when it did not arrive.
   */
  static int bulkBeforeCritical(List<ReceivedMessage> backlog, String criticalRecipient) {
    int bulk = 0;
    for (ReceivedMessage m : backlog) {
      if (m.recipients().contains(criticalRecipient)) {
        return bulk;
      }
      bulk++;
    }
    return -1;
  }

  /**
   * The backlog's mails in arrival order, a few to a line: bulk mail by its subject's entity ("Build
   * #101"), the critical mail marked.
   */
  static List<String> arrivalOrder(List<ReceivedMessage> backlog, String criticalRecipient) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder(" ");
    for (ReceivedMessage m : backlog) {
      String subject = m.subject().orElse("");
      Matcher entity = ENTITY.matcher(subject);
      String label = m.recipients().contains(criticalRecipient) ? "** " + subject.replaceFirst("^\\[[^]]*] ", "")
          + " -> " + criticalRecipient + " (critical) **" : entity.find() ? entity.group() : subject;
      if (line.length() + label.length() > LINE_WIDTH) {
        lines.add(line.toString());
        line = new StringBuilder(" ");
      }
      line.append(' ').append(label);
    }
    lines.add(line.toString());
    return lines;
  }

  void print(PrintStream out, List<ReceivedMessage> received, int backlog, int bulkBefore) {
    Map<String, Long> digests = digests();
    out.printf("  digested             %d into %d digest%s%n", digests.values().stream().mapToLong(Long::longValue).sum(),
        digests.size(), digests.size() == 1 ? "" : "s");
    digests.forEach((id, items) -> {
      String to = ledger.latest(DeliveryState.DIGESTED).stream().filter(s -> s.getDigestId().equals(id))
          .map(DeliveryStatus::getEmail).findFirst().orElse("?");
      DeliveryState state = ledger.state(id);
      String subject = received.stream().filter(m -> m.recipients().contains(to))
          .filter(m -> m.subject().orElse("").contains(items + " ")).map(m -> m.subject().orElse(""))
          .findFirst().orElse("");
      out.printf("    %s: %d notifications, one mail (%s) \"%s\"%n", to, items, state == null ? "pending" : state,
          subject);
    });
    List<DeliveryStatus> held = held();
    out.printf("  held (quiet hours)   %d%n", held.size());
    for (DeliveryStatus s : held) {
      ZoneId zone = nightOwl.zone();
      Instant release = s.getReleaseAt();
      out.printf("    %s: until %s her time (%s), where it is %s now — DEFERRED in the ledger%n", s.getEmail(),
          release == null ? "?" : LOCAL.format(release.atZone(zone)), zone.getId(), LOCAL.format(nightOwl.localNow()));
    }
    out.printf("  critical first       a password reset published after %d bulk mails reached the server after %d of"
        + " them%n", backlog, Math.max(bulkBefore, 0));
  }
}
