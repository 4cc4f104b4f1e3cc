package dev.notifier.sender.config;

import static dev.notifier.sender.config.Preset.AUTHORIZATION_CODE;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The providers an account can name with {@code preset}, from DESIGN.md's "Provider facts". A
 * preset fills host, port and security when the account leaves them out; values the account sets
 * win. Each preset uses the provider's implicit-TLS port (465) where it has one that works from
 * cloud networks, else its STARTTLS port (587).
 */
public final class Presets {

  private static final boolean MAIL_FROM_IS_USER = true;
  private static final boolean ANY_MAIL_FROM = false;
  /**
   * Mailbox providers take only the logged-in user (or an alias verified for it) as envelope sender:
   * QQ and NetEase answer another with 553, Gmail rewrites it, Outlook answers 5.7.60 SendAsDenied.
   */
  private static final String USER_ONLY = "it requires MAIL FROM to be the authenticated user (another envelope "
      + "sender is refused with 553, or rewritten), so bounces return to that mailbox";
  /** SendGrid writes its own bounce address as envelope sender and reports bounces by its event webhook. */
  private static final String PROVIDER_BOUNCES = "SendGrid replaces the envelope sender with its own bounce address "
      + "and reports bounces through its event webhook (notifier webhooks)";

  /** SendGrid's preset name: its accounts tag each message with the notification id ({@code AccountSettings#relaysThroughSendGrid}). */
  public static final String SENDGRID = "sendgrid";

  /** The table, in the order error messages list it. */
  public static final List<Preset> ALL = List.of(
      new Preset("qq", "smtp.qq.com", 465, Security.SSL, MAIL_FROM_IS_USER, AUTHORIZATION_CODE, null, USER_ONLY),
      new Preset("qq-exmail", "smtp.exmail.qq.com", 465, Security.SSL, MAIL_FROM_IS_USER, "password", null, USER_ONLY),
      new Preset("163", "smtp.163.com", 465, Security.SSL, MAIL_FROM_IS_USER, AUTHORIZATION_CODE, null, USER_ONLY),
      new Preset("126", "smtp.126.com", 465, Security.SSL, MAIL_FROM_IS_USER, AUTHORIZATION_CODE, null, USER_ONLY),
      new Preset("aliyun", "smtp.mxhichina.com", 465, Security.SSL, ANY_MAIL_FROM, "password", null, USER_ONLY),
      // DirectMail: the sender address is configured per domain in the console and is the SMTP user
      new Preset("aliyun-directmail", "smtpdm.aliyun.com", 465, Security.SSL, MAIL_FROM_IS_USER, "SMTP password",
          null, USER_ONLY),
      new Preset(SENDGRID, "smtp.sendgrid.net", 587, Security.STARTTLS, ANY_MAIL_FROM, "API key", "apikey",
          PROVIDER_BOUNCES),
      new Preset("gmail", "smtp.gmail.com", 587, Security.STARTTLS, ANY_MAIL_FROM, "app password", null, USER_ONLY),
      new Preset("outlook", "smtp-mail.outlook.com", 587, Security.STARTTLS, ANY_MAIL_FROM, "password", null,
          USER_ONLY),
      new Preset("hotmail", "smtp.live.com", 587, Security.STARTTLS, ANY_MAIL_FROM, "password", null, USER_ONLY),
      new Preset("yahoo", "smtp.mail.yahoo.com", 465, Security.SSL, ANY_MAIL_FROM, "app password", null, USER_ONLY),
      new Preset("icloud", "smtp.mail.me.com", 587, Security.STARTTLS, ANY_MAIL_FROM, "app-specific password", null,
          USER_ONLY),
      new Preset("zoho", "smtp.zoho.com", 465, Security.SSL, ANY_MAIL_FROM, "password", null, USER_ONLY));

  private Presets() {
  }

  /** The preset called {@code name} (ignoring case and surrounding blanks), if there is one. */
  public static Optional<Preset> find(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String key = name.strip().toLowerCase(Locale.ROOT);
    return ALL.stream().filter(p -> p.name().equals(key)).findFirst();
  }

  /**
   * The preset account {@code accountId} names; null when {@code name} is absent.
   *
   * @throws IllegalArgumentException naming the account, the value and the presets there are
   */
  public static Preset require(String accountId, String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    return find(name).orElseThrow(() -> new IllegalArgumentException("accounts[" + accountId + "].preset '" + name
        + "' is unknown: use one of " + names() + " (or leave preset out and set host, port and security)"));
  }

  /** The preset whose host is {@code host} (ignoring case), if there is one: an account may spell a preset's host out. */
  public static Optional<Preset> byHost(String host) {
    return host == null ? Optional.empty() : ALL.stream().filter(p -> p.host().equalsIgnoreCase(host.strip())).findFirst();
  }

  /** "qq, qq-exmail, 163, ...": every preset name, for messages. */
  public static String names() {
    return ALL.stream().map(Preset::name).collect(Collectors.joining(", "));
  }
}
