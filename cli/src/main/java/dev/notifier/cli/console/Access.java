package dev.notifier.cli.console;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who a request comes from — basic auth against the configured hashes, or the trusted proxy's user
 * header — and the CSRF token each state-changing request must carry: an HMAC of the user's name
 * with a key made at start-up, so a page of another site cannot forge it (it cannot read ours).
 */
final class Access {

  private final Map<String, ConsoleUser.Configured> users = new HashMap<>();
  private final String trustedUserHeader;
  private final java.util.Set<String> proxyReplayers;
  private final byte[] csrfKey = new byte[32];

  Access(ConsoleSettings settings) {
    settings.users().forEach(u -> users.put(u.name(), u));
    this.trustedUserHeader = settings.trustedUserHeader();
    this.proxyReplayers = java.util.Set.copyOf(settings.proxyReplayers());
    new SecureRandom().nextBytes(csrfKey);
  }

  /** The logged-in user, or empty (the caller answers 401 with a basic-auth challenge). */
  Optional<ConsoleUser> user(HttpExchange exchange) {
    if (trustedUserHeader != null && !trustedUserHeader.isBlank()) {
      String name = exchange.getRequestHeaders().getFirst(trustedUserHeader);
      if (name != null && !name.isBlank()) {
        String n = name.strip();
        return Optional.of(new ConsoleUser(n, proxyReplayers.contains(n) ? ConsoleUser.Role.REPLAYER
            : ConsoleUser.Role.VIEWER));
      }
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    ConsoleUser.Configured configured = users.get(decoded.substring(0, colon));
    if (configured == null || !Passwords.matches(decoded.substring(colon + 1).toCharArray(),
        configured.passwordHash())) {
      return Optional.empty();
    }
    return Optional.of(new ConsoleUser(configured.name(), configured.parsedRole()));
  }

  String csrfToken(ConsoleUser user) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(csrfKey, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          mac.doFinal(user.name().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  boolean csrfValid(ConsoleUser user, String token) {
    return token != null && MessageDigest.isEqual(csrfToken(user).getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }
}
