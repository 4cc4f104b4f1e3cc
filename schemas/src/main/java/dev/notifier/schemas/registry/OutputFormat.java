package dev.notifier.schemas.registry;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How the notifier writes the values of its output topics that can take either format
 * ({@code streams.schemaRegistry.outputs}): Avro single-object encoding (the default, readable without
 * a registry) or the Confluent wire format (readable by analysts' registry-aware tools). Readers accept
 * both whatever this says, so switching it back and forth never strands a record.
 */
public enum OutputFormat {
  SINGLE_OBJECT("single-object"),
  REGISTRY("registry");

  private final String configValue;

  OutputFormat(String configValue) {
    this.configValue = configValue;
  }

  public String configValue() {
    return configValue;
  }

  /** The format {@code value} of config key {@code key} names; null means the default, single-object. */
  public static OutputFormat parse(String key, String value) {
    if (value == null) {
      return SINGLE_OBJECT;
    }
    return Arrays.stream(values()).filter(f -> f.configValue.equals(value.strip())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(key + " is '" + value + "': use one of "
            + Arrays.stream(values()).map(OutputFormat::configValue).collect(Collectors.joining(", "))
            + " (registry writes the Confluent wire format, for registry-aware tools)"));
  }
}
