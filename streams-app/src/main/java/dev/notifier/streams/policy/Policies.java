package dev.notifier.streams.policy;

import dev.notifier.avro.Preferences;
import dev.notifier.avro.Priority;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.streams.expand.Glob;
import dev.notifier.streams.expand.NotificationRule;
import dev.notifier.streams.expand.RuleBook;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Resolves the {@link Policy} of a notification. Precedence, highest first: the recipient's own
 * preferences (from the directory), the rule's recipient defaults, the team's, the file's. Critical
 * mail takes no preference into account: it bypasses digests, quiet hours and caps unless its rule
 * explicitly says otherwise. A preference the directory holds in a form the notifier cannot read
 * (written by another producer than {@code notifier publish}) counts as unset, never as an error
 * that would stop the topology.
 */
public final class Policies {

  private final RuleBook rules;
  /** Whether any rule, team or the file gives recipients a daily cap: then every normal mail counts. */
  private final boolean anyConfiguredCap;

  public Policies(RuleBook rules) {
    this.rules = rules;
    PolicyDefaults defaults = rules.policyDefaults();
    this.anyConfiguredCap = capped(defaults.recipient())
        || defaults.teams().values().stream().anyMatch(Policies::capped)
        || rules.rules().stream().anyMatch(r -> capped(r.policy().recipient()));
  }

  /**
   * Whether {@code c} needs its recipient's state — an open digest, held mail, the day's count — and
   * so the policy stage behind the repartition by recipient; false for mail that goes out at once
   * whatever else the recipient was sent: no digest, no quiet hours, and no cap that its sending
   * could count towards (critical mail is never counted; normal and bulk mail count towards every
   * cap of the recipient, whichever rule set it, so they skip the count only when neither the
   * recipient nor any rule, team or the file sets one). Such mail is rendered in the event's own
   * task, one transaction sooner. A cap first set during a day then counts only the mail of that day
   * sent from then on.
   */
  public boolean needsRecipientState(Candidate c) {
    Policy policy = of(c);
    if (policy.digest() != null || !policy.quietHours().equals(QuietHours.NONE) || policy.dailyCap() > 0) {
      return true;
    }
    if (policy.priority() == Priority.CRITICAL) {
      return false;
    }
    Preferences prefs = c.getPreferences();
    return anyConfiguredCap || (prefs != null && prefs.getDailyCap() != null && prefs.getDailyCap() > 0);
  }

  private static boolean capped(RecipientSettings settings) {
    return settings != null && settings.dailyCap() != null && settings.dailyCap() > 0;
  }

  /** The policy of {@code c}; its rule exists (candidates only come from matching rules). */
  public Policy of(Candidate c) {
    RulePolicy rule = rules.ruleFor(c.getEvent().getType()).map(NotificationRule::policy).orElse(RulePolicy.NORMAL);
    PolicyDefaults defaults = rules.policyDefaults();
    boolean critical = rule.priority() == Priority.CRITICAL;
    Preferences prefs = critical ? null : c.getPreferences();
    RecipientSettings settings = own(c, prefs).orElse(rule.recipient())
        .orElse(defaults.forTeam(c.getEvent().getTeam()));
    DigestSpec digest = digest(rule.digest(), prefs, c, settings);
    if (digest != null) {
      digest = digest.withSchedule(settings.digestAt(), settings.weeklyOn());
    }
    int cap = rule.capped() ? settings.dailyCap() : 0;
    return new Policy(rule.priority(),
        rule.expiresAfter() != null ? rule.expiresAfter() : defaults.expiresAfter(rule.priority()), digest,
        rule.respectQuietHours() ? settings.quietHours() : QuietHours.NONE,
        settings.zone(), cap, rule.overCap());
  }

  private static RecipientSettings own(Candidate c, Preferences prefs) {
    ZoneId zone = zone(c.getTimeZone());
    if (prefs == null) {
      return new RecipientSettings(zone, null, null, null, null);
    }
    Integer cap = prefs.getDailyCap() == null || prefs.getDailyCap() < 0 ? null : prefs.getDailyCap();
    return new RecipientSettings(zone, quietHours(prefs.getQuietHours()), cap, null, null);
  }

  /** The user's choice for this template or event type, else the rule's digest. */
  private static DigestSpec digest(DigestSpec ruleDigest, Preferences prefs, Candidate c, RecipientSettings s) {
    String choice = prefs == null ? null : choice(prefs.getDigests(), c);
    if (choice == null || choice.equals("rule")) {
      return ruleDigest;
    }
    DigestKey key = ruleDigest != null ? ruleDigest.key() : DigestKey.TEMPLATE;
    return switch (choice) {
      case "none" -> null;
      case "daily" -> DigestSpec.scheduled(DigestMode.DAILY, s.digestAt(), null, key);
      case "weekly" -> DigestSpec.scheduled(DigestMode.WEEKLY, s.digestAt(), s.weeklyOn(), key);
      default -> ruleDigest;
    };
  }

  /** By template id first, then the first event-type glob that matches. */
  private static String choice(Map<String, String> digests, Candidate c) {
    String exact = digests.get(c.getTemplate());
    if (exact != null) {
      return exact.strip().toLowerCase(Locale.ROOT);
    }
    for (Map.Entry<String, String> e : digests.entrySet()) {
      try {
        if (Glob.of(e.getKey().strip()).matches(c.getEvent().getType())) {
          return e.getValue().strip().toLowerCase(Locale.ROOT);
        }
      } catch (IllegalArgumentException unreadable) {
        // not a glob: only the template match applies
      }
    }
    return null;
  }

  private static QuietHours quietHours(List<dev.notifier.avro.QuietHours> spans) {
    if (spans == null) {
      return null;
    }
    List<QuietSpan> out = new ArrayList<>();
    for (dev.notifier.avro.QuietHours q : spans) {
      try {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        q.getDays().forEach(d -> days.add(SettingValues.day(d)));
        out.add(new QuietSpan(days, LocalTime.parse(q.getStart()), LocalTime.parse(q.getEnd())));
      } catch (DateTimeParseException | IllegalArgumentException unreadable) {
        // a span that cannot be read holds nothing
      }
    }
    return new QuietHours(out);
  }

  private static ZoneId zone(String timeZone) {
    if (timeZone == null || timeZone.isBlank()) {
      return null;
    }
    try {
      return ZoneId.of(timeZone.strip());
    } catch (DateTimeException e) {
      return null;
    }
  }
}
