package dev.notifier.schemas;

/** How a record's bytes are encoded, told from their first bytes. */
public enum Encoding {
  /** Avro single-object encoding: {@code C3 01} + 8-byte schema fingerprint + datum. */
  AVRO_SINGLE_OBJECT,
  /** Confluent wire format: {@code 00} + 4-byte schema registry id + datum. */
  CONFLUENT,
  /** A JSON object. */
  JSON,
  /** Anything else. */
  UNKNOWN;

  public static Encoding of(byte[] bytes) {
    if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xC3 && bytes[1] == 0x01) {
      return AVRO_SINGLE_OBJECT;
    }
    if (bytes.length >= 5 && bytes[0] == 0) {
      return CONFLUENT;
    }
    for (byte b : bytes) {
      if (b == '{') {
        return JSON;
      }
      if (!Character.isWhitespace(b) && (b & 0xFF) != 0xEF && (b & 0xFF) != 0xBB && (b & 0xFF) != 0xBF) {
        return UNKNOWN;
      }
    }
    return UNKNOWN;
  }
}
