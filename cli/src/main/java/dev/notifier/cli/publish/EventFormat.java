package dev.notifier.cli.publish;

import java.util.Arrays;
import java.util.Locale;

/** The formats {@code notifier publish --format} writes events in, by their command-line names. */
public enum EventFormat {
  JSON("json"),
  AVRO("avro"),
  AVRO_REGISTRY("avro-registry");

  private final String option;

  EventFormat(String option) {
    this.option = option;
  }

  public String option() {
    return option;
  }

  /** The format named {@code name} on the command line; an unknown name is refused naming the choices. */
  public static EventFormat parse(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.option.equals(wanted)).findFirst().orElseThrow(() ->
        new IllegalArgumentException("--format " + name + " is not a format: use one of "
            + Arrays.stream(values()).map(EventFormat::option).toList()));
  }
}
