package dev.notifier.sender.doctor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a person needs to know about a server's certificate: who it is for, who issued it, until
 * when, and whether it names the host the account connects to. The name check here only explains;
 * the decision is the JDK's, made during the handshake exactly as in the worker.
 */
final class CertificateFacts {

  /** Fewer days left than this earns a warning in an otherwise passing check. */
  static final int RENEW_SOON_DAYS = 14;

  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;
  private static final Pattern CN = Pattern.compile("(?i)(?:^|,)\\s*CN=([^,]+)");

  private CertificateFacts() {
  }

  /** "subject CN=..., issuer CN=..., names [a, b], valid until 2027-05-01 (364 days left)". */
  static String describe(X509Certificate cert, Clock clock) {
    Instant notAfter = cert.getNotAfter().toInstant();
    long daysLeft = Duration.between(clock.instant(), notAfter).toDays();
    String validity = clock.instant().isAfter(notAfter) ? "EXPIRED on " + date(notAfter)
        : "valid until " + date(notAfter) + " (" + daysLeft + " days left"
            + (daysLeft < RENEW_SOON_DAYS ? ": renew soon" : "") + ")";
    return "subject " + cert.getSubjectX500Principal().getName() + ", issuer " + cert.getIssuerX500Principal().getName()
        + ", names " + names(cert) + ", " + validity;
  }

  /** The DNS names and IP addresses the certificate is for (its subject alternative names, else its CN). */
  static List<String> names(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    for (List<?> san : subjectAlternativeNames(cert)) {
      int type = (Integer) san.get(0);
      if (type == SAN_DNS || type == SAN_IP) {
        names.add(String.valueOf(san.get(1)));
      }
    }
    if (names.isEmpty()) {
      Matcher cn = CN.matcher(cert.getSubjectX500Principal().getName());
      if (cn.find()) {
        names.add(cn.group(1).strip());
      }
    }
    return names;
  }

  /** Whether the certificate names {@code host}: an IP address literally, a DNS name exactly or by a left-most wildcard. */
  static boolean matches(X509Certificate cert, String host) {
    String wanted = host.toLowerCase(Locale.ROOT);
    boolean ipAddress = isIpLiteral(host);
    for (String name : names(cert)) {
      String candidate = name.toLowerCase(Locale.ROOT);
      if (ipAddress ? sameAddress(candidate, wanted) : dnsMatches(candidate, wanted)) {
        return true;
      }
    }
    return false;
  }

  private static boolean dnsMatches(String pattern, String host) {
    if (pattern.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }
    return pattern.equals(host);
  }

  private static boolean sameAddress(String a, String b) {
    try {
      return isIpLiteral(a) && InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false; // literals never need a lookup; this cannot happen for them
    }
  }

  static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  private static Collection<List<?>> subjectAlternativeNames(X509Certificate cert) {
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      return sans == null ? List.of() : sans;
    } catch (CertificateParsingException e) {
      return List.of(); // an unreadable extension: fall back to the CN
    }
  }

  private static LocalDate date(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC);
  }
}
