package dev.notifier.sender.smtp;

import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.schemas.UnsubscribeTokens;
import dev.notifier.schemas.config.UnsubscribeSettings;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one-click unsubscribe headers a worker adds (RFC 2369's {@value #LIST_UNSUBSCRIBE} with an
 * https link, RFC 8058's {@value #LIST_UNSUBSCRIBE_POST}), which Gmail and Yahoo require of bulk
 * senders and mail clients show as an "Unsubscribe" button. The link's token names the notification,
 * its category — the template, the name {@code suppressions add --category} and the topology use —
 * and the sealed address ({@link UnsubscribeTokens}). Critical mail (a password reset) carries none:
 * nobody can unsubscribe from it, and the policy may exempt it from suppressions anyway.
 */
public final class UnsubscribeLinks {

  public static final String LIST_UNSUBSCRIBE = "List-Unsubscribe";
  public static final String LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post";
  public static final String ONE_CLICK = "List-Unsubscribe=One-Click";

  private final UnsubscribeSettings settings;
  private final UnsubscribeTokens tokens;

  public UnsubscribeLinks(UnsubscribeSettings settings, UnsubscribeTokens tokens) {
    this.settings = settings;
    this.tokens = tokens;
  }

  /**
   * The links of {@code settings}, keyed from the environment.
   *
   * @throws IllegalStateException naming the variable when the key is unset or too short
   */
  public static UnsubscribeLinks of(UnsubscribeSettings settings, Function<String, String> env) {
    return new UnsubscribeLinks(settings, settings.tokens(env));
  }

  /** The {@value #LIST_UNSUBSCRIBE} value for {@code n}; empty for critical mail. */
  public Optional<String> header(Notification n) {
    if (n.getPriority() == Priority.CRITICAL) {
      return Optional.empty();
    }
    String token = tokens.mint(n.getNotificationId(), n.getTemplate(), n.getRecipient().getEmail());
    return Optional.of("<" + settings.url(token) + ">");
  }
}
