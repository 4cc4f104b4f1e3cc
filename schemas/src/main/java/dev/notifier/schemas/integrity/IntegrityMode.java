package dev.notifier.schemas.integrity;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * How notifications on the send, retry and wait topics are signed and checked (config
 * {@code integrity.mode}).
 *
 * <ul>
 *   <li>{@link #OFF} (the default): nothing is signed or checked; the Kafka ACLs alone keep other writers off
 *       {@code notifier.send}.</li>
 *   <li>{@link #SIGN}: the streams app, the workers (their retry and wait records) and replays sign what they
 *       write; a worker still sends an unsigned or badly signed record, and logs it. For a rollout: every
 *       process gets the keys before any of them refuses.</li>
 *   <li>{@link #REQUIRE}: as {@link #SIGN}, and a worker refuses a record without a valid signature by a key of
 *       its ring: a {@code POLICY} dead letter, never sent.</li>
 * </ul>
 */
public enum IntegrityMode {
  OFF, SIGN, REQUIRE;

  @JsonCreator
  public static IntegrityMode parse(String value) {
    if (value == null) {
      return OFF;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("integrity.mode '" + value + "' is not a mode: use off (the default), sign "
          + "(sign, and accept unsigned mail during a rollout) or require (refuse mail without a valid signature)");
    }
  }

  /** True when records written to the send, retry and wait topics carry a signature. */
  public boolean signs() {
    return this != OFF;
  }
}
