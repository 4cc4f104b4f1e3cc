package dev.notifier.schemas.admin;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A process found its topics missing or not configured as it needs them, and does not start: the
 * message names every such topic and the command that fixes them.
 */
public final class TopicsNotReadyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The command that creates the missing topics and sets the required configs. */
  public static final String FIX = "notifier topics create --config FILE";

  TopicsNotReadyException(String who, List<Finding> errors) {
    super(message(who, errors));
  }

  private static String message(String who, List<Finding> errors) {
    List<String> missing = errors.stream().filter(f -> f instanceof Finding.Missing).map(Finding::topic).toList();
    StringBuilder text = new StringBuilder(who + " cannot start: its topics are not as it needs them: ");
    if (!missing.isEmpty()) {
      text.append(missing.size() == 1 ? "topic " : missing.size() + " topics ").append(String.join(", ", missing))
          .append(missing.size() == 1 ? " does" : " do").append(" not exist");
    }
    String others = errors.stream().filter(f -> !(f instanceof Finding.Missing))
        .map(f -> "topic " + f.topic() + ": " + f.problem()).collect(Collectors.joining("; "));
    text.append(!missing.isEmpty() && !others.isEmpty() ? "; " : "").append(others);
    return text.append(". Run `").append(FIX).append("` with this process's config file (it creates missing topics "
        + "and sets required configs, and changes nothing else), then start it again").toString();
  }
}
