package dev.notifier.sender.retry;

import dev.notifier.sender.smtp.SmtpReply;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One row of the classification table: conditions that must all hold, and the
 * {@link Classification} they lead to. A condition left out matches anything.
 *
 * <ul>
 *   <li>{@code step} — the SMTP step of {@link dev.notifier.sender.smtp.DeliveryException#step()};
 *       one of several;
 *   <li>{@code code} — the reply code, exact ({@code 535}), a class ({@code 4xx}), or
 *       {@code none}: there was no reply;
 *   <li>{@code enhanced} — the RFC 3463 enhanced status code, exact ({@code 5.7.8}) or, ending
 *       in a dot, a prefix ({@code 5.1.}): {@code 5.7.5} does not match {@code 5.7.520};
 *   <li>{@code text} — a case-insensitive regular expression found anywhere in the reply text;
 *   <li>{@code cause} — an exception class that the failure or any of its causes is an instance of.
 * </ul>
 */
public final class Rule {

  /** The steps a {@link dev.notifier.sender.smtp.DeliveryException} names. */
  public static final Set<String> STEPS =
      Set.of("connect", "starttls", "ehlo", "auth", "mail", "rcpt", "data", "end-of-data", "io", "message",
          "worker");

  private static final Pattern CODE = Pattern.compile("[1-5](\\d\\d|xx)|none");
  private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.(\\d{1,3})?");

  private final Set<String> steps;
  private final String code;
  private final String enhanced;
  private final Pattern text;
  private final Class<? extends Throwable> cause;
  private final Classification result;

  private Rule(Builder b, Classification result) {
    this.steps = Set.copyOf(b.steps);
    this.code = b.code;
    this.enhanced = b.enhanced;
    this.text = b.text;
    this.cause = b.cause;
    this.result = result;
  }

  /** Starts a row; finish it with {@link Builder#then}. */
  public static Builder when() {
    return new Builder();
  }

  public Classification result() {
    return result;
  }

  /** True when the row has no condition at all: the table's last, catch-all row. */
  public boolean matchesEverything() {
    return steps.isEmpty() && code == null && enhanced == null && text == null && cause == null;
  }

  boolean matches(String step, SmtpReply reply, List<Class<? extends Throwable>> causes) {
    return (steps.isEmpty() || step != null && steps.contains(step))
        && codeMatches(reply)
        && (enhanced == null || enhancedMatches(reply))
        && (text == null || reply != null && reply.text() != null && text.matcher(reply.text()).find())
        && (cause == null || causes.stream().anyMatch(cause::isAssignableFrom));
  }

  private boolean codeMatches(SmtpReply reply) {
    if (code == null) {
      return true;
    }
    if (code.equals("none")) {
      return reply == null;
    }
    if (reply == null) {
      return false;
    }
    return code.endsWith("xx") ? reply.code() / 100 == code.charAt(0) - '0' : reply.code() == Integer.parseInt(code);
  }

  private boolean enhancedMatches(SmtpReply reply) {
    String actual = reply == null ? null : reply.enhancedCode();
    if (actual == null) {
      return false;
    }
    return enhanced.endsWith(".") ? actual.startsWith(enhanced) : actual.equals(enhanced);
  }

  /** The row as one line: {@code step=rcpt code=5xx text=/unknown/ -> DEAD_RECIPIENT/mailbox-unknown}. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (!steps.isEmpty()) {
      parts.add("step=" + String.join("|", new TreeSet<>(steps)));
    }
    if (code != null) {
      parts.add("code=" + code);
    }
    if (enhanced != null) {
      parts.add("enhanced=" + enhanced);
    }
    if (text != null) {
      parts.add("text=/" + text.pattern() + "/");
    }
    if (cause != null) {
      parts.add("cause=" + cause.getSimpleName());
    }
    return (parts.isEmpty() ? "anything" : String.join(" ", parts)) + " -> " + result;
  }

  /** Collects a row's conditions; each setter checks its value and says what is wrong with it. */
  public static final class Builder {
    private final Set<String> steps = new LinkedHashSet<>();
    private String code;
    private String enhanced;
    private Pattern text;
    private Class<? extends Throwable> cause;

    private Builder() {
    }

    public Builder step(String... names) {
      for (String name : names) {
        String step = name == null ? null : name.toLowerCase(Locale.ROOT);
        if (!STEPS.contains(step)) {
          throw new IllegalArgumentException("rule step '" + name + "' is unknown: use one of "
              + new TreeSet<>(STEPS));
        }
        steps.add(step);
      }
      return this;
    }

    public Builder code(String value) {
      if (value == null || !CODE.matcher(value).matches()) {
        throw new IllegalArgumentException("rule code '" + value
            + "' is not a reply code: use an exact code (535), a class (4xx) or none");
      }
      this.code = value;
      return this;
    }

    /** There was no reply at all (refused connection, time-out, refused before sending). */
    public Builder noReply() {
      return code("none");
    }

    public Builder enhanced(String value) {
      if (value == null || !ENHANCED.matcher(value).matches()) {
        throw new IllegalArgumentException("rule enhanced code '" + value
            + "' is not an RFC 3463 code: use an exact code (5.7.8) or a prefix ending in a dot (5.1.)");
      }
      this.enhanced = value;
      return this;
    }

    public Builder text(String regex) {
      try {
        this.text = Pattern.compile(Objects.requireNonNull(regex, "text"),
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("rule text '" + regex + "' is not a regular expression: "
            + e.getDescription(), e);
      }
      return this;
    }

    public Builder cause(Class<? extends Throwable> type) {
      this.cause = Objects.requireNonNull(type, "cause");
      return this;
    }

    /**
     * Ends the row with its outcome: the action, whether it counts against the account's circuit
     * breaker (see {@link ReplyRules}), the kind code and the fix.
     */
    public Rule then(Action action, boolean countsAgainstBreaker, String kind, String fix) {
      return new Rule(this, new Classification(action, countsAgainstBreaker, kind, fix));
    }
  }
}
