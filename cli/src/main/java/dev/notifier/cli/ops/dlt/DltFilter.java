package dev.notifier.cli.ops.dlt;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which dead letters a command works on. Each criterion is a set of accepted values (any one
 * matches; empty means no restriction); all criteria must hold. Accounts, event types, ids,
 * templates and attempts (the number of sends that failed) compare exactly; failure classes,
 * addresses and domains ignore case; a code matches the reply code ({@code 550}) or the enhanced
 * code ({@code 5.1.1}). The time range is on the failure time, {@code since} inclusive,
 * {@code until} exclusive.
 */
public record DltFilter(Set<String> accounts, Set<String> classes, Set<String> codes, Set<String> eventTypes,
    Set<String> recipients, Set<String> domains, Set<String> notificationIds, Set<String> eventIds,
    Set<String> templates, Set<String> attempts, Instant since, Instant until)
    implements Predicate<DeadLetterEntry> {

  public DltFilter {
    accounts = Set.copyOf(accounts);
    classes = lower(classes);
    codes = Set.copyOf(codes);
    eventTypes = Set.copyOf(eventTypes);
    recipients = lower(recipients);
    domains = lower(domains).stream().map(d -> d.startsWith("@") ? d.substring(1) : d).collect(Collectors.toSet());
    notificationIds = Set.copyOf(notificationIds);
    eventIds = Set.copyOf(eventIds);
    templates = Set.copyOf(templates);
    attempts = Set.copyOf(attempts);
  }

  /** Accepts every dead letter. */
  public static DltFilter all() {
    return new DltFilter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(),
        Set.of(), null, null);
  }

  /** Whether any criterion is set. */
  public boolean isRestricted() {
    return !(accounts.isEmpty() && classes.isEmpty() && codes.isEmpty() && eventTypes.isEmpty()
        && recipients.isEmpty() && domains.isEmpty() && notificationIds.isEmpty() && eventIds.isEmpty()
        && templates.isEmpty() && attempts.isEmpty() && since == null && until == null);
  }

  /**
   * Whether a criterion other than the time range is set: what a replay needs before it replays
   * without {@code --all} (the last hour of dead letters is every dead letter of an outage).
   */
  public boolean isRestrictedBeyondTime() {
    return !(accounts.isEmpty() && classes.isEmpty() && codes.isEmpty() && eventTypes.isEmpty()
        && recipients.isEmpty() && domains.isEmpty() && notificationIds.isEmpty() && eventIds.isEmpty()
        && templates.isEmpty() && attempts.isEmpty());
  }

  @Override
  public boolean test(DeadLetterEntry e) {
    return accepts(accounts, e.account())
        && accepts(classes, e.failureClass().toLowerCase(Locale.ROOT))
        && (codes.isEmpty() || codes.contains(e.replyCode()) || codes.contains(e.enhancedCode()))
        && accepts(eventTypes, e.eventType())
        && accepts(recipients, e.recipient().toLowerCase(Locale.ROOT))
        && accepts(domains, e.domain())
        && accepts(notificationIds, e.notificationId())
        && accepts(eventIds, e.eventId())
        && accepts(templates, e.template())
        && accepts(attempts, String.valueOf(e.letter().getAttempts()))
        && (since == null || !e.failedAt().isBefore(since))
        && (until == null || e.failedAt().isBefore(until));
  }

  private static boolean accepts(Set<String> accepted, String value) {
    return accepted.isEmpty() || accepted.contains(value);
  }

  private static Set<String> lower(Set<String> values) {
    return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
  }

  static Set<String> set(List<String> values) {
    return values == null ? Set.of() : values.stream().map(String::strip).filter(v -> !v.isEmpty())
        .collect(Collectors.toSet());
  }
}
