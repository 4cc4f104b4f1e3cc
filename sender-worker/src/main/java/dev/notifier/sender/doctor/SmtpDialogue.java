package dev.notifier.sender.doctor;

import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.MessageFactory;
import dev.notifier.sender.smtp.SmtpReply;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * The SMTP steps, spoken by Angus Mail's {@link SMTPTransport} over the session the worker would
 * use ({@link dev.notifier.sender.smtp.SessionFactory}), so greeting, EHLO, STARTTLS, AUTH and the
 * message go exactly as they would in the worker. EHLO is checked on a connection without login;
 * AUTH then connects again with the account's credentials, because Angus logs in as part of
 * connecting. MAIL and RCPT are single commands; DATA resets and sends a real test message the way
 * the worker sends (MAIL, RCPT, DATA, with the worker's headers). Angus's protocol trace goes to the
 * {@link MaskingTranscript}.
 */
final class SmtpDialogue implements AutoCloseable {

  private final AccountSettings account;
  private final Properties workerProperties;
  private final MaskingTranscript transcript;
  private final PrintStream debugOut;
  private final Clock clock;
  /** The check's event id, and the test message's notification id, made from it as the topology makes ids. */
  private final String checkId;
  private final String testId;
  private Session session;
  private SMTPTransport transport;
  private int connection = 1;

  SmtpDialogue(AccountSettings account, Session workerSession, MaskingTranscript transcript, Clock clock) {
    this.account = account;
    this.workerProperties = workerSession.getProperties();
    this.transcript = transcript;
    this.debugOut = transcript.printStream();
    this.clock = clock;
    this.checkId = "smtp-check-" + clock.millis();
    this.testId = NotificationIds.forUser(checkId, account.id(), "smtp-check");
  }

  /** EHLO: connects without logging in and lists what the server offers. */
  String ehlo() throws StepFailure {
    try {
      open(false, null, null, "EHLO as the worker connects");
    } catch (MessagingException e) {
      throw ReplyAdvice.failure("connect", replyTo(e), e, "connecting as the worker does failed: "
          + ReplyAdvice.describe(e));
    }
    List<String> extensions = extensions(transport.getLastServerResponse());
    String notes = "";
    if (account.security() == Security.NONE && transport.supportsExtension("STARTTLS")) {
      notes = "; the server offers STARTTLS: set security: starttls so mail and password are encrypted";
    }
    return account.ehloName() + " -> " + (extensions.isEmpty() ? "no extensions (HELO only)"
        : String.join(", ", extensions)) + notes;
  }

  /** AUTH: connects again, logging in with the account's username and password. */
  String auth(Function<String, String> env) throws StepFailure {
    String password;
    try {
      password = account.password(env);
    } catch (IllegalStateException e) {
      throw ReplyAdvice.failure("auth", null, e, e.getMessage());
    }
    transcript.secret(account.username(), password);
    if (!transport.supportsExtension("AUTH") && !transport.supportsExtension("AUTH=LOGIN")) {
      throw ReplyAdvice.failure("auth", null, null, "the server offers no AUTH"
          + (account.security() == Security.NONE ? " on this unencrypted connection" : "") + ", so the worker"
          + " would send without logging in");
    }
    String offered = transport.getExtensionParameter("AUTH");
    closeTransport();
    try {
      open(true, account.username(), password, "AUTH as the worker logs in");
    } catch (AuthenticationFailedException e) {
      SmtpReply reply = replyTo(e);
      throw ReplyAdvice.failure("auth", reply, e, "login as " + account.username() + " refused: "
          + (reply != null ? reply : ReplyAdvice.describe(e)));
    } catch (MessagingException e) {
      throw ReplyAdvice.failure("connect", replyTo(e), e, "connecting to log in failed: "
          + ReplyAdvice.describe(e));
    }
    return "logged in as " + account.username() + " (the server offers AUTH " + offered + ")";
  }

  /**
   * MAIL FROM with the envelope sender the worker would use: the account's from address, or — when
   * the account sets a {@code returnPath} — the return path of this check's test message, so a server
   * that refuses it says so here, not on the first real send.
   */
  String mail() throws StepFailure {
    String envelope = account.envelopeSender(testId);
    String from = address(envelope != null ? envelope : account.from());
    int code = command("MAIL FROM:<" + from + ">", "mail");
    if (code != 250) {
      throw ReplyAdvice.failure("mail", lastReply(), null, "sender <" + from + "> refused: " + lastResponse());
    }
    return lastResponse() + " (from <" + from + ">)";
  }

  /** RCPT TO with {@code to}. */
  String rcpt(String to) throws StepFailure {
    String address = address(to);
    int code = command("RCPT TO:<" + address + ">", "rcpt");
    if (code != 250 && code != 251) {
      throw ReplyAdvice.failure("rcpt", lastReply(), null, "recipient <" + address + "> refused: " + lastResponse());
    }
    return lastResponse() + " (to <" + address + ">)";
  }

  /** DATA: a real test message to {@code to}, sent the way the worker sends. */
  String data(String to) throws StepFailure {
    command("RSET", "data");
    MimeMessage message;
    try {
      message = MessageFactory.build(session, testMessage(to), account.from(), account.envelopeSender(testId),
          account.relaysThroughSendGrid());
    } catch (DeliveryException e) {
      throw ReplyAdvice.failure("message", null, e, e.getMessage());
    }
    try {
      transport.sendMessage(message, message.getAllRecipients());
      return lastResponse() + " (test message " + message.getMessageID() + " to <" + address(to) + ">)";
    } catch (MessagingException e) {
      String step = has(e, SMTPAddressFailedException.class) ? "rcpt" : "data";
      SmtpReply reply = lastReply() != null && lastReply().code() >= 400 ? lastReply() : reply(e.getMessage());
      throw ReplyAdvice.failure(step, reply, e, "the test message was refused: "
          + (reply != null ? reply : ReplyAdvice.describe(e)));
    }
  }

  /** The extensions an EHLO reply lists: every line after the first, without its code. */
  static List<String> extensions(String ehloReply) {
    List<String> extensions = new ArrayList<>();
    if (ehloReply == null) {
      return extensions;
    }
    String[] lines = ehloReply.strip().split("\r?\n");
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].length() > 4) {
        extensions.add(lines[i].substring(4).strip());
      }
    }
    return extensions;
  }

  private void open(boolean login, String user, String password, String purpose) throws MessagingException {
    String protocol = account.security() == Security.SSL ? "smtps" : "smtp";
    Properties props = new Properties();
    props.putAll(workerProperties);
    if (!login) {
      props.put("mail." + protocol + ".auth", "false");
    }
    // show the AUTH exchange in the transcript; MaskingTranscript replaces its secrets
    props.put("mail.debug.auth", "true");
    session = Session.getInstance(props);
    session.setDebugOut(debugOut);
    session.setDebug(true);
    connection++;
    transcript.section("connection " + connection + ": " + purpose + " (Angus Mail, " + protocol + " to "
        + account.host() + ":" + account.port() + ")");
    transport = (SMTPTransport) session.getTransport();
    transport.connect(account.host(), account.port(), user, password);
  }

  private int command(String command, String step) throws StepFailure {
    try {
      return transport.simpleCommand(command);
    } catch (MessagingException e) {
      throw ReplyAdvice.failure(step, null, e, "the connection failed at " + command.split(" ")[0] + ": "
          + ReplyAdvice.describe(e));
    }
  }

  private Notification testMessage(String to) {
    return Notification.newBuilder().setPriority(Priority.NORMAL)
        .setNotificationId(testId)
        .setEventId(checkId)
        .setEventType("smtp.check")
        .setTemplate("smtp-check")
        .setAccount(account.id())
        .setRecipient(Recipient.newBuilder().setEmail(address(to)).setRole("direct").build())
        .setSubject("notifier smtp-check: test message from account " + account.id())
        .setTextBody("This test message was sent by `notifier smtp-check` through account " + account.id() + " ("
            + account.host() + ":" + account.port() + ", " + account.security().name().toLowerCase(Locale.ROOT)
            + ") at " + clock.instant() + ".\r\nIt arrived, so this account can deliver mail. No action is needed.")
        .setCreatedAt(clock.instant())
        .build();
  }

  private String lastResponse() {
    String response = transport.getLastServerResponse();
    return response == null ? "(no reply)" : response.strip();
  }

  private SmtpReply lastReply() {
    return reply(transport.getLastServerResponse());
  }

  /** The reply a failed connect carries in its message, else the transport's last one (e.g. a 421 greeting). */
  private SmtpReply replyTo(MessagingException e) {
    SmtpReply reply = reply(e.getMessage());
    return reply != null || transport == null ? reply : lastReply();
  }

  private static SmtpReply reply(String text) {
    return SmtpReply.parse(text);
  }

  /** The address of "Name &lt;addr&gt;" or "addr", as MAIL and RCPT take it. */
  private static String address(String mailbox) {
    try {
      return new InternetAddress(mailbox, false).getAddress();
    } catch (AddressException e) {
      return mailbox.strip(); // let the server say what it thinks of it
    }
  }

  private static boolean has(MessagingException e, Class<? extends Exception> type) {
    for (Exception current = e; current != null;
        current = current instanceof MessagingException m ? m.getNextException() : null) {
      if (type.isInstance(current)) {
        return true;
      }
    }
    return false;
  }

  private void closeTransport() {
    if (transport != null) {
      try {
        transport.close();
      } catch (MessagingException ignored) {
        // the check is done with this connection; nothing more to say to the server
      }
      transport = null;
    }
  }

  @Override
  public void close() {
    closeTransport();
    debugOut.close();
  }
}
