package dev.notifier.schemas.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.schemas.UnsubscribeTokens;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code unsubscribe:} section of a notifier config: one-click unsubscribe links (RFC 8058 and
 * RFC 2369). With it, the worker adds {@code List-Unsubscribe: <BASE/unsubscribe/TOKEN>} and
 * {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click} to every mail that is not critical, and
 * {@code notifier webhooks} serves {@code /unsubscribe/TOKEN}; both need the same key.
 *
 * @param baseUrl where recipients reach the webhook receiver, e.g. {@code https://mail.example.com};
 *     https (RFC 8058 requires it), http only for a loopback host (tests, a local demo)
 * @param keyEnv the environment variable holding the HMAC key (at least 32 bytes); the key itself is
 *     never in the config, nor printed
 */
public record UnsubscribeSettings(
    @JsonProperty("baseUrl") String baseUrl,
    @JsonProperty("keyEnv") String keyEnv) {

  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  public UnsubscribeSettings {
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new IllegalArgumentException("unsubscribe.baseUrl is missing: where recipients reach notifier webhooks, "
          + "e.g. https://mail.example.com");
    }
    baseUrl = baseUrl.strip();
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(baseUrl);
    } catch (URISyntaxException e) {
      // URI refuses spaces, CR, LF and '>' too, so the header built from it stays one line
      throw new IllegalArgumentException("unsubscribe.baseUrl is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean loopback = uri.getHost() != null && LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT));
    if (uri.getHost() == null || !(scheme.equals("https") || (scheme.equals("http") && loopback))
        || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("unsubscribe.baseUrl must be an https URL without query or fragment "
          + "(RFC 8058; http only on a loopback host), e.g. https://mail.example.com");
    }
    if (keyEnv == null || keyEnv.isBlank()) {
      throw new IllegalArgumentException("unsubscribe.keyEnv is missing: name the environment variable holding the "
          + "HMAC key (at least " + UnsubscribeTokens.MIN_SECRET + " bytes, e.g. openssl rand -base64 48)");
    }
    keyEnv = keyEnv.strip();
  }

  /**
   * The tokens signed with the key in {@code keyEnv}.
   *
   * @throws IllegalStateException naming the variable when it is unset or too short (never its value)
   */
  public UnsubscribeTokens tokens(Function<String, String> env) {
    String key = env.apply(keyEnv);
    if (key == null || key.isBlank()) {
      throw new IllegalStateException("unsubscribe.keyEnv names " + keyEnv + ", which is not set: export it with "
          + "the unsubscribe HMAC key (the same for the workers and notifier webhooks)");
    }
    byte[] secret = key.strip().getBytes(StandardCharsets.UTF_8);
    if (secret.length < UnsubscribeTokens.MIN_SECRET) {
      throw new IllegalStateException(keyEnv + " holds " + secret.length + " bytes: the unsubscribe key must be at "
          + "least " + UnsubscribeTokens.MIN_SECRET + " (e.g. openssl rand -base64 48)");
    }
    return new UnsubscribeTokens(secret);
  }

  /** The one-click link for {@code token}. */
  public String url(String token) {
    return baseUrl + "/unsubscribe/" + token;
  }
}
