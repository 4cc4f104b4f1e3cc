package dev.notifier.sender.retry;

/**
 * A retry header ({@link RetryHeaders}) whose value cannot be read: the record was altered, or
 * written by something other than a worker. Its notification is dead-lettered as
 * {@link Action#MALFORMED_HEADERS}, never retried and never allowed to stop the poll loop.
 */
public final class MalformedHeaderException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  MalformedHeaderException(String key, String value, String expected, Throwable cause) {
    super("header " + key + " is '" + value + "', not " + expected, cause);
  }
}
