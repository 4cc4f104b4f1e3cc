package dev.notifier.sender.retry;

import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Decides what a delivery outcome means by looking it up in an ordered table of {@link Rule}s
 * (first match wins); the table, not this class, holds the knowledge — see {@link ReplyRules}.
 * Stateless and thread-safe.
 */
public final class ReplyClassifier {

  private static final ReplyClassifier DEFAULTS = new ReplyClassifier(ReplyRules.defaults());

  private final List<Rule> rules;

  /** A classifier over {@code rules}, whose last row must match everything so that every outcome has an answer. */
  public ReplyClassifier(List<Rule> rules) {
    this.rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
    if (this.rules.isEmpty() || !this.rules.get(this.rules.size() - 1).matchesEverything()) {
      throw new IllegalArgumentException("the classification table must end with a catch-all row (Rule.when().then(...))"
          + " but ends with " + (this.rules.isEmpty() ? "nothing" : this.rules.get(this.rules.size() - 1)));
    }
  }

  /** The classifier over {@link ReplyRules#defaults()}. */
  public static ReplyClassifier defaults() {
    return DEFAULTS;
  }

  public List<Rule> rules() {
    return rules;
  }

  /**
   * Classifies a failed delivery by its step, reply and the exception and all its causes. A reply
   * below 400 is ignored: it is the transport's last server response, which after a failed TLS
   * handshake or a dropped connection is the {@code 220}/{@code 250} of the step before, not the failure.
   */
  public Classification classify(DeliveryException e) {
    SmtpReply reply = e.reply() != null && e.reply().code() >= 400 ? e.reply() : null;
    return rule(e.step(), reply, causes(e)).result();
  }

  /** Classifies a step, a reply (null when there was none) and an exception class (null when none). */
  public Classification classify(String step, SmtpReply reply, Class<? extends Throwable> causeClass) {
    return rule(step, reply, causeClass == null ? List.of() : List.of(causeClass)).result();
  }

  /** Classifies a reply on its own, e.g. {@code 250 OK} → {@link Action#SENT}. */
  public Classification classify(SmtpReply reply) {
    return classify(null, reply, null);
  }

  /** The row that decides; package-private so tests can prove every row is reached. */
  Rule rule(String step, SmtpReply reply, List<Class<? extends Throwable>> causes) {
    String normalized = step == null ? null : step.toLowerCase(Locale.ROOT);
    for (Rule rule : rules) {
      if (rule.matches(normalized, reply, causes)) {
        return rule;
      }
    }
    throw new IllegalStateException("unreachable: the table ends with a catch-all row");
  }

  /** The classes of {@code e}'s causes, outermost first, stopping at a cycle. */
  private static List<Class<? extends Throwable>> causes(Throwable e) {
    List<Class<? extends Throwable>> classes = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e.getCause(); t != null && seen.add(t); t = t.getCause()) {
      classes.add(t.getClass());
    }
    return classes;
  }
}
