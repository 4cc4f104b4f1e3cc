package dev.notifier.cli.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * The Kafka principal a client authenticates as, from its settings: the SASL user name (PLAIN,
 * SCRAM) as {@code User:NAME}; with TLS client certificates, the distinguished name of the key
 * store's certificate as the broker names it by default ({@code User:CN=ann,OU=ops,O=corp}, RFC 2253,
 * {@code ssl.principal.mapping.rules=DEFAULT}); without either, {@code User:ANONYMOUS}. Kafka has no
 * "who am I" request, but a broker that accepted a request authenticated exactly this identity — so
 * once a write succeeded, it is the principal the cluster authorized, not a name the user typed. A key
 * store this process cannot open by its settings alone (a password behind a config provider) is
 * named by its file instead.
 */
public final class KafkaPrincipal {

  private static final Pattern USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

  private KafkaPrincipal() {
  }

  public static String of(Properties client) {
    String protocol = String.valueOf(client.getOrDefault("security.protocol", "PLAINTEXT")).toUpperCase(Locale.ROOT);
    if (protocol.startsWith("SASL")) {
      Object jaas = client.get("sasl.jaas.config");
      Matcher m = USERNAME.matcher(jaas == null ? "" : jaas.toString());
      if (m.find()) {
        return "User:" + m.group(1);
      }
      return "User:(SASL, " + client.getOrDefault("sasl.mechanism", "GSSAPI") + ")";
    }
    if (protocol.equals("SSL") && client.get("ssl.keystore.location") != null) {
      String location = client.get("ssl.keystore.location").toString();
      return distinguishedName(client, location).map(dn -> "User:" + dn)
          .orElse("User:(the certificate in " + location + ")");
    }
    return "User:ANONYMOUS";
  }

  /** The subject of the key store's first key entry's certificate (RFC 2253), as Kafka's TLS principal builder names it; Kafka's default store type is JKS. */
  private static Optional<String> distinguishedName(Properties client, String location) {
    Object password = client.get("ssl.keystore.password");
    if (password == null || password.toString().contains("${")) {
      return Optional.empty();
    }
    String type = String.valueOf(client.getOrDefault("ssl.keystore.type", "JKS"));
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password.toString().toCharArray());
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate cert) {
          return Optional.of(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
        }
      }
      return Optional.empty();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
