package dev.notifier.sender.doctor;

import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.smtp.SmtpReply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS step, on the socket the TCP step opened: implicit TLS for {@code ssl}; greeting, EHLO and
 * STARTTLS for {@code starttls}; for {@code none} only the plain greeting. The handshake uses the
 * socket factory the worker's session would use (the JDK's trust store plus the account's
 * {@code trustCertificate}) and the same host name check as Angus Mail ({@code LDAPS} endpoint
 * identification) unless the account turns it off.
 *
 * <p>When it fails it finds out why, with a second, inspecting connection that trusts anything and
 * sends nothing but a handshake: a plain SMTP greeting on a port told {@code ssl}, a TLS handshake
 * on a port told {@code starttls} or {@code none}, the certificate's names against the host, its
 * dates, its issuer.
 */
final class TlsProbe {

  /** The endpoint identification Angus Mail sets when {@code ssl.checkserveridentity} is true. */
  static final String ANGUS_IDENTIFICATION = "LDAPS";

  private static final Pattern HOST_MISMATCH = Pattern.compile("(?i)no subject alternative|no name matching");

  private final AccountSettings account;
  private final InetAddress address;
  private final Duration timeout;
  private final MaskingTranscript transcript;
  private final Clock clock;

  TlsProbe(AccountSettings account, InetAddress address, Duration timeout, MaskingTranscript transcript, Clock clock) {
    this.account = account;
    this.address = address;
    this.timeout = timeout;
    this.transcript = transcript;
    this.clock = clock;
  }

  /** Runs the step on {@code plain}; {@code workerFactory} is null for security: none. */
  String run(Socket plain, SSLSocketFactory workerFactory) throws StepFailure {
    return switch (account.security()) {
      case SSL -> implicitTls(plain, workerFactory);
      case STARTTLS -> startTls(plain, workerFactory);
      case NONE -> plainGreeting(plain);
    };
  }

  private String implicitTls(Socket plain, SSLSocketFactory factory) throws StepFailure {
    transcript.section("connection 1: TLS probe, implicit TLS to " + target());
    try {
      return established(handshake(plain, factory, account.checkServerIdentity()));
    } catch (IOException e) {
      throw handshakeFailed(e, true);
    }
  }

  private String startTls(Socket plain, SSLSocketFactory factory) throws StepFailure {
    transcript.section("connection 1: TLS probe, EHLO and STARTTLS at " + target());
    try {
      ProbeChannel channel = new ProbeChannel(plain, transcript);
      String greeting = greeting(channel);
      if (!greeting.startsWith("2")) {
        throw ReplyAdvice.failure("connect", lastLine(greeting), null, "the server greeted with " + oneLine(greeting));
      }
      String ehlo = channel.command("EHLO " + account.ehloName());
      if (!ehlo.startsWith("250")) {
        throw ReplyAdvice.failure("ehlo", lastLine(ehlo), null, "EHLO refused: " + oneLine(ehlo));
      }
      List<String> extensions = SmtpDialogue.extensions(ehlo);
      if (extensions.stream().noneMatch(e -> e.equalsIgnoreCase("STARTTLS"))) {
        throw new StepFailure("the server does not offer STARTTLS (EHLO lists " + String.join(", ", extensions) + ")",
            "starttls-unavailable", DoctorFixes.NO_STARTTLS);
      }
      String ready = channel.command("STARTTLS");
      if (!ready.startsWith("220")) {
        throw ReplyAdvice.failure("connect", lastLine(ready), null, "STARTTLS refused: " + oneLine(ready));
      }
    } catch (IOException e) {
      throw ReplyAdvice.failure("connect", null, e, "the connection failed before TLS: " + ReplyAdvice.describe(e));
    }
    try {
      return "STARTTLS accepted; " + established(handshake(plain, factory, account.checkServerIdentity()));
    } catch (IOException e) {
      throw handshakeFailed(e, false);
    }
  }

  private String plainGreeting(Socket plain) throws StepFailure {
    transcript.section("connection 1: greeting probe, plain SMTP at " + target());
    String greeting;
    try {
      greeting = greeting(new ProbeChannel(plain, transcript));
    } catch (IOException e) {
      throw ReplyAdvice.failure("connect", null, e, "the connection failed before the greeting: "
          + ReplyAdvice.describe(e));
    }
    return "not used (security: none): mail and any password cross the network in clear; greeting "
        + oneLine(greeting);
  }

  /** The greeting; a silent server is probed for implicit TLS, which also waits for the client to speak first. */
  private String greeting(ProbeChannel channel) throws IOException, StepFailure {
    try {
      return channel.readReply();
    } catch (SocketTimeoutException e) {
      if (inspect(true).isPresent()) {
        throw new StepFailure("no SMTP greeting within " + NetworkProbe.seconds(timeout) + ", but the server "
            + "answers a TLS handshake: this port expects implicit TLS, not security: " + securityName(),
            "tls-mode-mismatch", DoctorFixes.IMPLICIT_ON_PLAIN);
      }
      throw ReplyAdvice.failure("connect", null, e, "no SMTP greeting within " + NetworkProbe.seconds(timeout));
    }
  }

  private SSLSocket handshake(Socket plain, SSLSocketFactory factory, boolean checkIdentity) throws IOException {
    SSLSocket ssl = (SSLSocket) factory.createSocket(plain, account.host(), account.port(), true);
    if (checkIdentity) {
      SSLParameters parameters = ssl.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm(ANGUS_IDENTIFICATION);
      ssl.setSSLParameters(parameters);
    }
    ssl.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    ssl.startHandshake();
    return ssl;
  }

  private String established(SSLSocket ssl) throws IOException {
    SSLSession session = ssl.getSession();
    Certificate[] chain = session.getPeerCertificates();
    X509Certificate leaf = (X509Certificate) chain[0];
    transcript.section("TLS established: " + session.getProtocol() + " " + session.getCipherSuite());
    String identity;
    if (account.checkServerIdentity()) {
      identity = "host name " + account.host() + " matches the certificate";
    } else {
      identity = "host name NOT checked (checkServerIdentity: false)" + (CertificateFacts.matches(leaf, account.host())
          ? "" : "; the certificate does not name " + account.host());
    }
    return session.getProtocol() + " " + session.getCipherSuite() + "; certificate " + CertificateFacts.describe(leaf,
        clock) + (chain.length > 1 ? "; chain of " + chain.length : "") + "; " + identity;
  }

  private StepFailure handshakeFailed(IOException e, boolean implicit) {
    String why = ReplyAdvice.describe(e);
    if (ReplyAdvice.root(e) instanceof SocketTimeoutException) {
      return ReplyAdvice.failure("connect", null, e, "the TLS handshake did not complete within "
          + NetworkProbe.seconds(timeout) + " (" + why + ")");
    }
    // a certificate problem proves the server speaks TLS; only otherwise look for a plain greeting
    if (implicit && !has(e, CertificateException.class)) {
      Optional<String> greeting = plainGreetingElsewhere();
      if (greeting.isPresent()) {
        return new StepFailure("the server speaks plain SMTP here: it greeted '" + greeting.get()
            + "' where a TLS handshake was expected (" + why + ")", "tls-mode-mismatch", DoctorFixes.PLAIN_ON_SSL);
      }
    }
    Optional<X509Certificate> presented = inspect(implicit);
    String certificate = presented.map(c -> "; the server presents " + CertificateFacts.describe(c, clock)).orElse("");
    String message = String.valueOf(ReplyAdvice.root(e).getMessage());
    if (HOST_MISMATCH.matcher(message).find()) {
      return new StepFailure("the certificate does not match the host name " + account.host() + ": it names "
          + presented.map(CertificateFacts::names).map(String::valueOf).orElse("other hosts") + " (" + message + ")"
          + certificate, "tls-host-mismatch", DoctorFixes.HOST_MISMATCH);
    }
    if (has(e, CertificateExpiredException.class) || has(e, CertificateNotYetValidException.class)
        || message.contains("validity check failed")) {
      return new StepFailure("the certificate is outside its validity period (" + message + ")" + certificate,
          "tls-certificate-expired", DoctorFixes.EXPIRED);
    }
    if (message.contains("PKIX") || message.contains("certification path")) {
      String alsoName = presented.filter(c -> !CertificateFacts.matches(c, account.host()))
          .map(c -> "; it also does not name " + account.host()).orElse("");
      return new StepFailure("the certificate is not trusted (" + message + ")" + certificate + alsoName,
          "tls-untrusted", DoctorFixes.UNTRUSTED);
    }
    return ReplyAdvice.failure("connect", null, e, "the TLS handshake failed: " + why + certificate);
  }

  /** The first greeting line on a fresh plain connection, if the server sends one that looks like SMTP. */
  private Optional<String> plainGreetingElsewhere() {
    try (Socket socket = open()) {
      String greeting = new ProbeChannel(socket, new MaskingTranscript()).readReply();
      return greeting.matches("(?s)^\\d{3}.*") ? Optional.of(greeting.lines().findFirst().orElse(greeting))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The certificate the server presents, read over a fresh connection that trusts anything and
   * sends nothing after the handshake; empty when there is none to read.
   */
  private Optional<X509Certificate> inspect(boolean implicit) {
    try (Socket socket = open()) {
      if (!implicit) {
        ProbeChannel channel = new ProbeChannel(socket, new MaskingTranscript());
        channel.readReply();
        channel.command("EHLO " + account.ehloName());
        if (!channel.command("STARTTLS").startsWith("220")) {
          return Optional.empty();
        }
      }
      SSLContext trustAll = SSLContext.getInstance("TLS");
      trustAll.init(null, new X509ExtendedTrustManager[] {new InspectingTrustManager()}, null);
      try (SSLSocket ssl = handshake(socket, trustAll.getSocketFactory(), false)) {
        return Optional.of((X509Certificate) ssl.getSession().getPeerCertificates()[0]);
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private Socket open() throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(address, account.port()), Math.toIntExact(timeout.toMillis()));
      socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private String target() {
    return address.getHostAddress() + ":" + account.port() + " (" + account.host() + ")";
  }

  private String securityName() {
    return account.security().name().toLowerCase(Locale.ROOT);
  }

  private static SmtpReply lastLine(String reply) {
    String[] lines = reply.split("\n");
    return SmtpReply.parse(lines[lines.length - 1]);
  }

  private static String oneLine(String reply) {
    return "'" + String.join(" | ", Arrays.asList(reply.split("\n"))) + "'";
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Accepts any certificate: used only to read what a server presents, never to send anything. */
  private static final class InspectingTrustManager extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // inspection only
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // inspection only
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // inspection only
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // inspection only
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // inspection only
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // inspection only
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
