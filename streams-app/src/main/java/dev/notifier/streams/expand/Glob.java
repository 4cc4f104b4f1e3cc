package dev.notifier.streams.expand;

import java.util.regex.Pattern;

/**
 * An event-type pattern: {@code *} matches any run of characters (dots included), {@code ?} one
 * character, everything else itself. {@code bug.*} matches {@code bug.assigned}; {@code *} matches
 * every type. Specificity is the number of literal characters, so {@code bug.assigned} beats
 * {@code bug.*}, which beats {@code *}.
 */
public record Glob(String pattern, Pattern regex, int specificity) {

  public static Glob of(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException("an event pattern is empty: use an event type such as bug.assigned or a glob "
          + "such as bug.*");
    }
    StringBuilder regex = new StringBuilder();
    int literal = 0;
    for (char c : pattern.toCharArray()) {
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
        literal++;
      }
    }
    return new Glob(pattern, Pattern.compile(regex.toString()), literal);
  }

  public boolean matches(String value) {
    return regex.matcher(value).matches();
  }

  public boolean isExact() {
    return pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0;
  }
}
