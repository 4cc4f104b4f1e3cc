package dev.notifier.schemas;

/**
 * A record that cannot be accepted, with the reason a person can act on: which field, what was
 * wrong. The topology turns it into an entry on the invalid-events topic.
 */
public class InvalidRecordException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  /**
   * @param reason a short machine-readable reason, e.g. {@code missing-field}
   * @param message what was wrong, naming the field and the value
   */
  public InvalidRecordException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public InvalidRecordException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
