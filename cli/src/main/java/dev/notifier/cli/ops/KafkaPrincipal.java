package dev.notifier.cli.ops;

import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka principal a client authenticates as, from its settings: the SASL user name (PLAIN,
 * SCRAM) as {@code User:NAME}; with TLS client certificates, the key store's certificate (the broker
 * maps its distinguished name); without either, {@code User:ANONYMOUS}. Kafka has no "who am I"
 * request, but a broker that accepted a request authenticated exactly this identity — so once a
 * write succeeded, it is the principal the cluster authorized, not a name the user typed.
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
      return "User:(the certificate in " + client.get("ssl.keystore.location") + ")";
    }
    return "User:ANONYMOUS";
  }
}
