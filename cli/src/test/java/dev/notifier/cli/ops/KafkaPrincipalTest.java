package dev.notifier.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.testkit.smtp.SelfSignedCertificate;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The principal a replay, a suppression change and the audit record: the one the cluster authenticates. */
class KafkaPrincipalTest {

  @Test
  void aSaslClientIsItsUserName() {
    Properties client = new Properties();
    client.put("security.protocol", "SASL_SSL");
    client.put("sasl.mechanism", "SCRAM-SHA-512");
    client.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"ann\" password=\"${file:/etc/notifier/kafka.properties:password}\";");

    assertThat(KafkaPrincipal.of(client)).isEqualTo("User:ann");
  }

  @Test
  void aTlsClientCertificateIsItsDistinguishedNameAsTheBrokerNamesIt(@TempDir Path dir) throws Exception {
    // mutual TLS: the broker's default principal is the certificate's subject, RFC 2253
    Path keyStore = dir.resolve("ann.p12");
    SelfSignedCertificate.forHost("ann").writeKeyStore(keyStore, "ks-secret".toCharArray());
    Properties client = new Properties();
    client.put("security.protocol", "SSL");
    client.put("ssl.keystore.type", "PKCS12");
    client.put("ssl.keystore.location", keyStore.toString());
    client.put("ssl.keystore.password", "ks-secret");

    // the testkit encodes "CN=ann, O=notifier testkit" in that order; RFC 2253 writes the last RDN first,
    // as SSLSession.getPeerPrincipal().getName() does on the broker
    assertThat(KafkaPrincipal.of(client)).isEqualTo("User:O=notifier testkit,CN=ann");

    // Kafka's default store type (JKS) opens a PKCS12 file too
    client.remove("ssl.keystore.type");
    assertThat(KafkaPrincipal.of(client)).isEqualTo("User:O=notifier testkit,CN=ann");
  }

  @Test
  void aKeyStoreItCannotOpenIsNamedByItsFileAndNoPasswordIsShown(@TempDir Path dir) throws Exception {
    Path keyStore = dir.resolve("ann.p12");
    SelfSignedCertificate.forHost("ann").writeKeyStore(keyStore, "ks-secret".toCharArray());
    Properties client = new Properties();
    client.put("security.protocol", "SSL");
    client.put("ssl.keystore.location", keyStore.toString());
    client.put("ssl.keystore.password", "${file:/etc/notifier/kafka.properties:keystore}");

    assertThat(KafkaPrincipal.of(client)).isEqualTo("User:(the certificate in " + keyStore + ")");
    client.put("ssl.keystore.password", "wrong-secret");
    assertThat(KafkaPrincipal.of(client)).isEqualTo("User:(the certificate in " + keyStore + ")")
        .doesNotContain("wrong-secret");
  }

  @Test
  void withoutCredentialsItIsAnonymous() {
    assertThat(KafkaPrincipal.of(new Properties())).isEqualTo("User:ANONYMOUS");
  }
}
