package dev.notifier.schemas;

/**
 * Limits on what an Avro record may claim to contain. Avro reads a length prefix and then
 * allocates; without limits a forged prefix ("this string is 2 GB") exhausts the heap before the
 * truncated data is noticed. The limits are Avro's own system properties, read once when Avro's
 * {@code SystemLimitException} class initialises, so they are set here before any record is read.
 * A property already given on the command line ({@code -Dorg.apache.avro.limits...}) wins.
 * Entry points call {@link #install()} first thing; {@link AvroSerde} calls it too, as a fallback.
 */
public final class AvroLimits {

  /** Longest string or byte array in one record: events are at most 1 MiB on the wire anyway. */
  public static final int MAX_LENGTH = 1024 * 1024;
  /** Most items in one array or map (recipients, attributes, group members). */
  public static final int MAX_ITEMS = 100_000;

  private AvroLimits() {
  }

  public static void install() {
    setIfAbsent("org.apache.avro.limits.string.maxLength", MAX_LENGTH);
    setIfAbsent("org.apache.avro.limits.bytes.maxLength", MAX_LENGTH);
    setIfAbsent("org.apache.avro.limits.collectionItems.maxLength", MAX_ITEMS);
  }

  private static void setIfAbsent(String key, int value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, String.valueOf(value));
    }
  }
}
