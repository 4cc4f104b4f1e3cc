package dev.notifier.cli.ops.dlt;

import dev.notifier.cli.ops.OpsException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What {@code dlt stats --by} can group dead letters by. */
public enum Dimension {
  ACCOUNT("account", DeadLetterEntry::account),
  CLASS("class", DeadLetterEntry::failureClass),
  KIND("kind", e -> e.letter().getKind() == null ? "" : e.letter().getKind()),
  CODE("code", DeadLetterEntry::replyCode),
  ENHANCED_CODE("enhanced-code", DeadLetterEntry::enhancedCode),
  DOMAIN("domain", DeadLetterEntry::domain),
  EVENT_TYPE("event-type", DeadLetterEntry::eventType),
  HOUR("hour", e -> DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH':00Z'").withZone(ZoneOffset.UTC)
      .format(e.failedAt().truncatedTo(ChronoUnit.HOURS)));

  private final String label;
  private final Function<DeadLetterEntry, String> value;

  Dimension(String label, Function<DeadLetterEntry, String> value) {
    this.label = label;
    this.value = value;
  }

  public String label() {
    return label;
  }

  public String of(DeadLetterEntry entry) {
    return value.apply(entry);
  }

  /** Parses {@code --by} values; {@code enhanced}, {@code type} and {@code failure-class} are accepted too. */
  public static List<Dimension> parse(List<String> names) {
    List<Dimension> dims = new ArrayList<>();
    for (String name : names) {
      String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
      Dimension d = switch (n) {
        case "enhanced", "enhancedcode" -> ENHANCED_CODE;
        case "type", "eventtype" -> EVENT_TYPE;
        case "failure-class", "failureclass" -> CLASS;
        case "reply-code" -> CODE;
        case "recipient-domain" -> DOMAIN;
        default -> Arrays.stream(values()).filter(v -> v.label.equals(n)).findFirst().orElseThrow(() ->
            new OpsException("--by '" + name + "' is not something dead letters can be grouped by: use "
                + Arrays.stream(values()).map(Dimension::label).collect(Collectors.joining(", "))));
      };
      if (!dims.contains(d)) {
        dims.add(d);
      }
    }
    if (dims.isEmpty()) {
      throw new OpsException("--by is empty: name at least one of "
          + Arrays.stream(values()).map(Dimension::label).collect(Collectors.joining(", ")));
    }
    return dims;
  }
}
