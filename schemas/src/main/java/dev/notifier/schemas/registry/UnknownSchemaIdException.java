package dev.notifier.schemas.registry;

/** The registry answered that it has no schema with this id (error 40403). */
public final class UnknownSchemaIdException extends RuntimeException {

  private final long id;

  public UnknownSchemaIdException(long id, String message) {
    super(message);
    this.id = id;
  }

  public long id() {
    return id;
  }
}
