package dev.notifier.sender.config;

/**
 * What one mail provider expects of an SMTP client, so an account can say {@code preset: 163}
 * instead of spelling out host, port and security (see {@link Presets} for the table).
 *
 * @param name the value of {@code preset} in the config file, e.g. "163"
 * @param host the provider's SMTP host
 * @param port the port this preset connects to
 * @param security how that port is secured
 * @param mailFromMustEqualUser whether the provider refuses a MAIL FROM other than the logged-in user
 *     (163 and 126 answer {@code 553 Mail from must equal authorized user})
 * @param passwordKind what the password is, in words an operator recognises: "authorization code",
 *     "app password", "API key" or "password"
 * @param fixedUsername the user name the provider requires literally (SendGrid: "apikey"), or null
 * @param fixedEnvelopeSender why the provider does not take an envelope sender (MAIL FROM) of the
 *     account's choosing, so an account's {@code returnPath} is refused there; null when it does
 */
public record Preset(String name, String host, int port, Security security, boolean mailFromMustEqualUser,
    String passwordKind, String fixedUsername, String fixedEnvelopeSender) {

  public static final String AUTHORIZATION_CODE = "authorization code";

  /** Whether the password is an authorization code generated in the mailbox settings, not the login password. */
  public boolean needsAuthorizationCode() {
    return AUTHORIZATION_CODE.equals(passwordKind);
  }
}
