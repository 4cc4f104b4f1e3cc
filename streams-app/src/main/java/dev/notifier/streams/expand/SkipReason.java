package dev.notifier.streams.expand;

/** Why a possible recipient gets no mail; each is written to the ledger as a SKIPPED status. */
public enum SkipReason {
  /** No notification rule matches the event type. */
  NO_RULE("no-rule"),
  /** The person did what the event reports; people know what they just did. */
  ACTOR("actor"),
  /** The user id is not in the directory. */
  UNKNOWN_USER("unknown-user"),
  /** The group id is not in the directory. */
  UNKNOWN_GROUP("unknown-group"),
  /** The directory has no email address for the user. */
  NO_EMAIL("no-email"),
  /** The user has left (inactive in the directory). */
  INACTIVE("inactive"),
  /** The user opted out of this event type. */
  OPTED_OUT("opted-out"),
  /** The rule's template does not exist for any locale. */
  NO_TEMPLATE("no-template"),
  /** The template uses a variable the event does not provide. */
  MISSING_VARIABLE("missing-variable"),
  /** The rendered mail is past the size limit (render.MailSize): the event carries something far too long. */
  TOO_LARGE("too-large"),
  /** The address is on the suppression list (it bounced, complained or unsubscribed; see notifier suppressions). */
  SUPPRESSED("suppressed");

  private final String code;

  SkipReason(String code) {
    this.code = code;
  }

  /**
   * The reason a render failure is skipped for: {@code no-template} and {@code too-large} as they are,
   * every other failure of the template ({@code bad-template}, {@code empty-output} and the like)
   * as {@link #MISSING_VARIABLE}.
   */
  public static SkipReason ofRenderFailure(String renderReason) {
    return switch (renderReason) {
      case "no-template" -> NO_TEMPLATE;
      case "too-large" -> TOO_LARGE;
      default -> MISSING_VARIABLE;
    };
  }

  /** The reason as written in statuses and metrics, e.g. {@code no-email}. */
  public String code() {
    return code;
  }
}
