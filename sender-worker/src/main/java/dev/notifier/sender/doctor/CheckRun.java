package dev.notifier.sender.doctor;

import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.smtp.SessionFactory;
import jakarta.mail.Session;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Clock;
import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;

/**
 * One check in progress: what each step left for the next (the addresses, the open socket, the SMTP
 * connection) and the step bodies themselves. Made and closed by {@link SmtpDoctor#check}.
 */
final class CheckRun implements AutoCloseable {

  private final AccountSettings account;
  private final CheckRequest request;
  private final Function<String, String> env;
  private final Clock clock;
  private final MaskingTranscript transcript;
  private InetAddress[] addresses;
  private Socket socket;
  private Session workerSession;
  private SmtpDialogue dialogue;

  CheckRun(AccountSettings account, CheckRequest request, Function<String, String> env, Clock clock,
      MaskingTranscript transcript) {
    this.account = account;
    this.request = request;
    this.env = env;
    this.clock = clock;
    this.transcript = transcript;
  }

  /** Why {@code step} is not part of this check, or null when it is. */
  String notRequested(Step step) {
    return switch (step) {
      case AUTH -> account.authenticates() ? null
          : "no login configured (no username): the server is asked to take mail without AUTH";
      case RCPT -> request.to() != null ? null : "not requested: give a recipient (--to) to check RCPT";
      case DATA -> request.send() ? null : "not requested: add --send to deliver a test message";
      default -> null;
    };
  }

  /** Runs {@code step}; returns what it found or throws why it failed. */
  String run(Step step) throws StepFailure {
    return switch (step) {
      case DNS -> dns();
      case TCP -> tcp();
      case TLS -> tls();
      case EHLO -> dialogue().ehlo();
      case AUTH -> auth();
      case MAIL -> dialogue().mail();
      case RCPT -> dialogue().rcpt(request.to());
      case DATA -> dialogue().data(request.to());
    };
  }

  /** AUTH, unless it would send the password in clear and the account does not allow that (as the worker's start-up). */
  private String auth() throws StepFailure {
    if (account.security() == Security.NONE && !account.allowPlaintextAuth()) {
      throw new StepFailure("not attempted: logging in over a connection without TLS (security: none) would send "
          + "the password in clear", "plaintext-auth-refused", DoctorFixes.PLAINTEXT_AUTH);
    }
    return dialogue().auth(env);
  }

  private String dns() throws StepFailure {
    addresses = NetworkProbe.resolve(account.host(), request.timeout());
    return NetworkProbe.describe(account.host(), addresses);
  }

  private String tcp() throws StepFailure {
    socket = NetworkProbe.connect(addresses[0], account.port(), request.timeout());
    String others = addresses.length > 1 ? " (the first of " + addresses.length + " addresses, as the worker uses)"
        : "";
    return "connected to " + addresses[0].getHostAddress() + ":" + account.port() + others;
  }

  private String tls() throws StepFailure {
    try {
      SSLSocketFactory factory = account.security() == Security.NONE ? null : workerSocketFactory();
      return new TlsProbe(account, addresses[0], request.timeout(), transcript, clock).run(socket, factory);
    } finally {
      NetworkProbe.closeQuietly(socket);
      socket = null;
    }
  }

  /**
   * The socket factory the worker's session uses for TLS: its own when the account trusts an extra
   * certificate, else the JDK's default, as Angus Mail falls back to.
   */
  private SSLSocketFactory workerSocketFactory() throws StepFailure {
    String protocol = account.security() == Security.SSL ? "smtps" : "smtp";
    Object configured = workerSession().getProperties().get("mail." + protocol + ".ssl.socketFactory");
    return configured instanceof SSLSocketFactory own ? own : (SSLSocketFactory) SSLSocketFactory.getDefault();
  }

  private Session workerSession() throws StepFailure {
    if (workerSession == null) {
      try {
        workerSession = SessionFactory.session(account);
      } catch (IllegalStateException e) {
        // an unreadable trustCertificate: the message names the account, the path and why
        throw new StepFailure(e.getMessage(), "trust-certificate-unreadable", DoctorFixes.TRUST_CERTIFICATE);
      }
    }
    return workerSession;
  }

  private SmtpDialogue dialogue() throws StepFailure {
    if (dialogue == null) {
      dialogue = new SmtpDialogue(account, workerSession(), transcript, clock);
    }
    return dialogue;
  }

  @Override
  public void close() {
    NetworkProbe.closeQuietly(socket);
    if (dialogue != null) {
      dialogue.close();
    }
  }
}
