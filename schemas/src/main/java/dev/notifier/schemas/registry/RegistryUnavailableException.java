package dev.notifier.schemas.registry;

/**
 * No registry answered: the record is not invalid, it cannot be read yet. Whoever meets this must
 * retry the record later and never file it as invalid.
 */
public final class RegistryUnavailableException extends RuntimeException {

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
