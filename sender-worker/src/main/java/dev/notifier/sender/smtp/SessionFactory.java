package dev.notifier.sender.smtp;

import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import jakarta.mail.Session;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the Angus Mail session for an account: protocol, TLS, time-outs and EHLO name.
 *
 * <p>An account's {@code trustCertificate} is trusted in addition to the JDK's trust store: the
 * session gets its own socket factory whose trust store holds the JDK's trusted certificates plus
 * that one. The server's identity is still checked (Angus sets the endpoint identification
 * algorithm on the socket, whatever factory made it) unless the account sets
 * {@code checkServerIdentity: false}.
 */
public final class SessionFactory {

  /** The system property Jakarta Mail reads first to find its {@code StreamProvider}. */
  static final String STREAM_PROVIDER_PROPERTY = "jakarta.mail.util.StreamProvider";
  /** Angus Mail's provider, the one its service file names. */
  static final String ANGUS_STREAM_PROVIDER = "org.eclipse.angus.mail.util.MailStreamProvider";

  static {
    nameStreamProvider();
  }

  private SessionFactory() {
  }

  /**
   * Jakarta Mail 2.1 looks its {@code StreamProvider} up anew for every body part, multipart,
   * encoded header word and part written — eight or nine times per message — and each lookup is a
   * {@link java.util.ServiceLoader} scan of every jar on the class path (jakartaee/mail-api#699,
   * #861): about half of a worker's CPU per message. Naming Angus's provider in the system property
   * the lookup reads first makes each one a {@code Class.forName} of an already loaded class. The
   * provider is the one the scan would find (the only one on our class path); a value already set
   * is left alone.
   */
  private static void nameStreamProvider() {
    if (System.getProperty(STREAM_PROVIDER_PROPERTY) != null) {
      return;
    }
    try {
      Class.forName(ANGUS_STREAM_PROVIDER, false, SessionFactory.class.getClassLoader());
      System.setProperty(STREAM_PROVIDER_PROPERTY, ANGUS_STREAM_PROVIDER);
    } catch (ClassNotFoundException | SecurityException e) {
      // another Jakarta Mail implementation: let the service lookup find it
    }
  }

  /**
   * The session for {@code account}.
   *
   * @throws IllegalStateException when the account's {@code trustCertificate} cannot be used
   */
  public static Session session(AccountSettings account) {
    return Session.getInstance(properties(account));
  }

  static Properties properties(AccountSettings a) {
    String protocol = a.security() == Security.SSL ? "smtps" : "smtp";
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put("mail.transport.protocol", protocol);
    props.put(p + "host", a.host());
    props.put(p + "port", String.valueOf(a.port()));
    // bounded time-outs: a silent server must not stall the worker (Angus defaults to infinite)
    props.put(p + "connectiontimeout", String.valueOf(a.connectTimeout().toMillis()));
    props.put(p + "timeout", String.valueOf(a.readTimeout().toMillis()));
    props.put(p + "writetimeout", String.valueOf(a.readTimeout().toMillis()));
    // the EHLO name comes from config: resolving an unqualified local host name can stall each connect
    props.put(p + "localhost", a.ehloName());
    props.put(p + "auth", String.valueOf(a.authenticates()));
    if (a.security() == Security.STARTTLS) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    if (a.security() != Security.NONE) {
      // the server's name must match its certificate; an account may opt out (warned at start-up)
      props.put(p + "ssl.checkserveridentity", String.valueOf(a.checkServerIdentity()));
      // after a failed handshake Angus would retry with the JDK's default factory and report
      // "PKIX path building failed" instead of the real reason (e.g. a certificate for another host)
      props.put(p + "socketFactory.fallback", "false");
      a.trustedCertificate().ifPresent(cert -> props.put(p + "ssl.socketFactory", socketFactory(a, cert)));
    }
    return props;
  }

  /**
   * The TLS socket factory the account's connections use: the JDK's trust store plus the
   * account's {@code trustCertificate}, as Angus gets it, for the pipelining client.
   */
  static SSLSocketFactory tlsSocketFactory(AccountSettings a) {
    return a.trustedCertificate().map(cert -> socketFactory(a, cert))
        .orElseGet(() -> (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  /** A socket factory trusting the JDK's trust store and {@code extra}. */
  private static SSLSocketFactory socketFactory(AccountSettings a, X509Certificate extra) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int n = 0;
      for (X509Certificate jdkTrusted : jdkTrustManager().getAcceptedIssuers()) {
        store.setCertificateEntry("jdk-" + n++, jdkTrusted);
      }
      store.setCertificateEntry("account-" + a.id(), extra);
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("accounts[" + a.id() + "].trustCertificate '" + a.trustCertificate()
          + "' cannot be added to a trust store (" + e + "): check that it is a server or CA certificate", e);
    }
  }

  /** The trust manager of the JDK's trust store (cacerts, or javax.net.ssl.trustStore when set). */
  private static X509TrustManager jdkTrustManager() throws GeneralSecurityException {
    TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((KeyStore) null);
    for (TrustManager manager : jdk.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
  }
}
