package dev.notifier.schemas.registry;

/**
 * The registry has no schema equal to the notifier's under a subject, and the notifier was not told
 * to register it (auto-registration is off unless asked for).
 */
public final class SchemaNotRegisteredException extends RuntimeException {

  private final String subject;

  public SchemaNotRegisteredException(String subject, String message) {
    super(message);
    this.subject = subject;
  }

  public String subject() {
    return subject;
  }
}
