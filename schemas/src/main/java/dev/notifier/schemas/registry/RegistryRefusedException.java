package dev.notifier.schemas.registry;

/**
 * The registry answered, and refused: an incompatible schema (409), an invalid one (422), or another
 * 4xx; the message says which registry, what was asked, and its error code and message.
 */
public final class RegistryRefusedException extends RuntimeException {

  private final int errorCode;

  public RegistryRefusedException(int errorCode, String message) {
    super(message);
    this.errorCode = errorCode;
  }

  /** The registry's {@code error_code}, e.g. 409 incompatible, 42201 invalid schema. */
  public int errorCode() {
    return errorCode;
  }
}
