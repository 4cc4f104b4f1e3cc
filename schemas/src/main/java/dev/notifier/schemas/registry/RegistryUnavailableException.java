package dev.notifier.schemas.registry;

/**
 * No registry answered: the record is not invalid, it cannot be read yet. Whoever meets this must
 * retry the record later and never file it as invalid.
 */
public final class RegistryUnavailableException extends RuntimeException {

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code e} or one of its causes is this: a reader stops asking a registry that did not answer. */
  public static boolean isCauseOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RegistryUnavailableException) {
        return true;
      }
    }
    return false;
  }
}
