package dev.notifier.sender.retry;

import static dev.notifier.sender.retry.Action.ACCOUNT_ERROR;
import static dev.notifier.sender.retry.Action.DEAD_RECIPIENT;
import static dev.notifier.sender.retry.Action.INVALID_MESSAGE;
import static dev.notifier.sender.retry.Action.PERMANENT;
import static dev.notifier.sender.retry.Action.RETRY;
import static dev.notifier.sender.retry.Action.UNKNOWN;
import static dev.notifier.sender.retry.Action.SENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;
import jakarta.mail.MessagingException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateExpiredException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The classification table, row by row, with the texts real servers send. Each case names the
 * step, the reply line (or none), the exception class (or none), the expected action and kind, and
 * a remedy the fix must mention. {@link #everyRowOfTheTableIsExercised} proves no row goes untested.
 */
class ReplyClassifierTest {

  private static final ReplyClassifier CLASSIFIER = ReplyClassifier.defaults();

  record Case(String step, String reply, Class<? extends Throwable> cause, Action action, String kind, String mentions) {
    @Override
    public String toString() {
      return (step == null ? "-" : step) + " " + (reply == null ? "(no reply)" : reply)
          + (cause == null ? "" : " " + cause.getSimpleName()) + " -> " + action + "/" + kind;
    }
  }

  private static Case c(String step, String reply, Class<? extends Throwable> cause, Action action, String kind,
      String mentions) {
    return new Case(step, reply, cause, action, kind, mentions);
  }

  static Stream<Case> table() {
    return Stream.of(
        // delivered
        c(null, "250 2.0.0 OK 1700000000 a1-20020a170902", null, SENT, "sent", "nothing"),

        // refused before any SMTP exchange
        c("message", null, MessagingException.class, INVALID_MESSAGE, "message-invalid", "CR or LF"),
        c("starttls", null, MessagingException.class, ACCOUNT_ERROR, "starttls-unsupported", "port 465"),
        c("worker", null, NullPointerException.class, RETRY, "worker-error", "worker's log"),

        // the transport failed
        c("connect", null, UnknownHostException.class, ACCOUNT_ERROR, "dns-failed", "/etc/resolv.conf"),
        c("connect", null, SSLHandshakeException.class, ACCOUNT_ERROR, "tls-failed", "465/994"),
        c("connect", null, CertificateExpiredException.class, ACCOUNT_ERROR, "tls-failed", "host name"),
        c("auth", null, IllegalStateException.class, ACCOUNT_ERROR, "password-missing", "passwordEnv"),
        c("io", null, SocketTimeoutException.class, RETRY, "timeout", "read time-out"),
        c("connect", null, SocketTimeoutException.class, RETRY, "timeout", "EHLO name"),
        c("connect", null, ConnectException.class, RETRY, "connection-refused", "httpd_can_sendmail"),
        c("connect", null, NoRouteToHostException.class, RETRY, "unreachable", "port 25"),
        c("auth", null, MessagingException.class, ACCOUNT_ERROR, "auth-unavailable", "starttls"),
        // no reply after the end of data: the server may have queued it
        c("end-of-data", null, SocketTimeoutException.class, UNKNOWN, "outcome-unknown", "unknownOutcomeRetry"),
        c("end-of-data", null, MessagingException.class, UNKNOWN, "outcome-unknown", "finalReplyTimeout"),
        // a TLS error mid-session is a lost connection, not a misconfigured account
        c("io", null, SSLException.class, RETRY, "connection-lost", "retried"),

        // provider limits: transient although 5xx
        c("mail", "550 Connection frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000722",
            null, RETRY, "rate-limited", "throttle"),
        c("rcpt", "550 Mailbox unavailable or access denied, Ip frequency limited", null, RETRY, "rate-limited",
            "frequency limited"),
        c("data", "554 IP frequency limited", null, RETRY, "rate-limited", "throttle"),
        c("mail", "550-5.4.5 Daily user sending limit exceeded. For more information on Gmail\n"
            + "550 5.4.5 sending limits go to https://support.google.com/a/answer/166852", null, RETRY,
            "quota-exceeded", "quota resets"),
        c("data", "550 5.4.5 Daily sending quota exceeded. https://support.google.com/mail/?p=ReachedDailySendingLimit",
            null, RETRY, "quota-exceeded", "quota"),
        // 5.1.90 is the sender's daily recipient limit, not an unknown recipient
        c("rcpt", "550 5.1.90 Your message can't be sent because you've reached your daily limit for message recipients",
            null, RETRY, "quota-exceeded", "Outlook"),
        c("data", "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message",
            null, RETRY, "quota-exceeded", "quota"),
        c("mail", "550 MI:STC 发件人当天内累计邮件数量超过限制", null, RETRY, "quota-exceeded", "163"),
        c("connect", "421-4.7.28 [203.0.113.5] Our system has detected an unusual rate of unsolicited mail originating"
            + " from your IP address. To protect our users from spam, mail sent from your IP address has been"
            + " temporarily rate limited.", null, RETRY, "rate-limited", "lower the account's rate"),
        c("rcpt", "450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional"
            + " messages from being delivered. Please resend your message at a later time.", null, RETRY,
            "rate-limited", "retried"),
        c("connect", "421 4.7.0 [TSS04] Messages from 203.0.113.5 temporarily deferred due to unexpected volume or user"
            + " complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", null, RETRY, "deferred", "DKIM"),
        c("connect", "421 4.3.2 The maximum number of concurrent server connections has exceeded a limit, closing"
            + " transmission channel", null, RETRY, "too-many-connections", "concurrency"),
        c("connect", "421 4.4.2 Too many connections from your IP, try again later", null, RETRY,
            "too-many-connections", "concurrency"),
        c("mail", "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded", null, RETRY,
            "too-many-connections", "concurrency"),
        c("data", "451 4.7.500 Server busy. Please try again later from [203.0.113.5]. (S77719)", null, RETRY,
            "server-busy", "retried later"),

        // other transient replies
        c("rcpt", "450 4.2.0 <bob@example.com>: Recipient address rejected: Greylisted, see"
            + " http://postgrey.schweikert.ch/help/example.com.html", null, RETRY, "greylisted", "few minutes"),
        c("auth", "454 4.7.0 Temporary authentication failure", null, RETRY, "auth-temporary", "status page"),
        c("rcpt", "452 4.5.3 Too many recipients", null, RETRY, "too-many-recipients", "fewer recipients"),
        c("rcpt", "452-4.2.2 The email account that you tried to reach is over quota.", null, RETRY, "mailbox-full",
            "free space"),
        c("mail", "452 4.3.1 Insufficient system storage", null, RETRY, "insufficient-storage", "storage"),
        c("connect", "421 4.7.0 Try again later, closing connection.", null, RETRY, "service-unavailable", "backoff"),
        c("rcpt", "450 4.2.1 Requested mail action not taken: mailbox unavailable", null, RETRY, "mailbox-busy",
            "retried"),
        c("data", "451 4.3.0 Error: queue file write error", null, RETRY, "server-error", "retried"),
        c("rcpt", "451 4.7.1 Service unavailable - Please try again later", null, RETRY, "server-error", "retried"),

        // the account is misconfigured
        c("auth", "538 5.7.11 Encryption required for requested authentication mechanism", null, ACCOUNT_ERROR,
            "tls-required", "starttls"),
        c("connect", "530 5.7.0 Must issue a STARTTLS command first", null, ACCOUNT_ERROR, "tls-required", "starttls"),
        c("auth", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."
            + " Visit https://aka.ms/smtp_auth_disabled for more information.", null, ACCOUNT_ERROR,
            "smtp-auth-disabled", "Authenticated SMTP"),
        c("auth", "534-5.7.9 Application-specific password required. Learn more at"
            + " https://support.google.com/mail/?p=InvalidSecondFactor", null, ACCOUNT_ERROR, "app-password-required",
            "app-specific password"),
        c("auth", "534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1> Please log in via your web browser"
            + " and then try again.", null, ACCOUNT_ERROR, "login-blocked", "web browser"),
        c("auth", "535 5.7.8 Authentication credentials invalid", null, ACCOUNT_ERROR, "auth-failed",
            "authorization code"),
        c("auth", "535-5.7.8 Username and Password not accepted.", null, ACCOUNT_ERROR, "auth-failed", "username"),
        c("auth", "535 Error: authentication failed", null, ACCOUNT_ERROR, "auth-failed", "授权码"),
        c("auth", "535 Login Fail. Please enter your authorization code to login. More information in"
            + " https://service.mail.qq.com/detail/0/53", null, ACCOUNT_ERROR, "auth-failed", "authorization code"),
        c("auth", "534 5.7.9 Authentication mechanism is too weak", null, ACCOUNT_ERROR, "auth-too-weak", "ssl"),
        c("mail", "530 5.7.0 Authentication required", null, ACCOUNT_ERROR, "auth-required", "username"),
        c("mail", "530 5.7.57 Client not authenticated to send mail.", null, ACCOUNT_ERROR, "auth-required",
            "passwordEnv"),
        c("mail", "553 authentication is required,smtp5,jtKowAC", null, ACCOUNT_ERROR, "auth-required", "username"),
        c("mail", "553 Mail from must equal authorized user", null, ACCOUNT_ERROR, "sender-mismatch", "set from"),
        c("mail", "553 5.7.1 <noreply@example.com>: Sender address rejected: not owned by user alerts@example.com",
            null, ACCOUNT_ERROR, "sender-mismatch", "from address"),
        c("mail", "550 5.7.60 SMTP; Client does not have permissions to send as this sender", null, ACCOUNT_ERROR,
            "sender-mismatch", "from"),
        c("data", "550 5.7.60 Access denied", null, ACCOUNT_ERROR, "sender-mismatch", "username"),
        c("mail", "550 User has no permission", null, ACCOUNT_ERROR, "smtp-disabled", "POP3/SMTP"),
        c("rcpt", "554 5.7.1 <bob@example.org>: Relay access denied", null, ACCOUNT_ERROR, "relay-denied", "username"),
        c("rcpt", "550 5.7.1 Unable to relay", null, ACCOUNT_ERROR, "relay-denied", "mynetworks"),
        c("mail", "553 5.1.7 The sender address <noreply@> is not a valid RFC-5321 address.", null, ACCOUNT_ERROR,
            "sender-invalid", "set from"),
        c("mail", "550 5.1.8 Access denied, bad outbound sender", null, ACCOUNT_ERROR, "sender-invalid", "unblock"),
        c("auth", "504 5.5.4 Unrecognized authentication type", null, ACCOUNT_ERROR, "auth-failed", "username"),

        // the recipient is gone, and the message refused
        c("data", "552 5.3.4 Message size exceeds fixed limit", null, PERMANENT, "message-too-big", "attachments"),
        c("rcpt", "552 5.2.2 Mailbox full", null, DEAD_RECIPIENT, "mailbox-full", "free space"),
        c("rcpt", "552 5.2.2 Mailbox size limit exceeded", null, DEAD_RECIPIENT, "mailbox-full", "free space"),
        c("rcpt", "552 Requested mail action aborted: exceeded storage allocation", null, DEAD_RECIPIENT,
            "mailbox-full", "free space"),
        c("rcpt", "550 5.2.1 mailbox disabled", null, DEAD_RECIPIENT, "mailbox-disabled", "no longer in use"),
        c("rcpt", "550-5.2.1 The email account that you tried to reach is disabled.", null, DEAD_RECIPIENT,
            "mailbox-disabled", "remove"),
        c("rcpt", "553 5.1.3 Invalid address", null, DEAD_RECIPIENT, "address-invalid", "correct the address"),
        c("rcpt", "550 5.1.1 User unknown", null, DEAD_RECIPIENT, "mailbox-unknown", "does not exist"),
        c("rcpt", "550-5.1.1 The email account that you tried to reach does not exist.", null, DEAD_RECIPIENT,
            "mailbox-unknown", "remove or correct"),
        c("data", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", null,
            DEAD_RECIPIENT, "mailbox-unknown", "left"),
        c("data", "552 Message size exceeds maximum permitted", null, PERMANENT, "message-too-big", "shrink"),
        c("rcpt", "554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org", null,
            PERMANENT, "sender-blocked", "delisting"),
        c("data", "554 5.6.0 Message contains invalid header", null, PERMANENT, "message-refused", "content"),
        c("data", "554 5.7.1 Message rejected as spam", null, PERMANENT, "message-refused", "change the content"),
        c("data", "554 DT:SPM 发送的邮件内容包含了未被许可的信息，或被系统识别为垃圾邮件", null, PERMANENT, "message-refused",
            "DT:SPM"),
        c("data", "552-5.7.0 This message was blocked because its content presents a potential security issue.",
            null, PERMANENT, "message-refused", "attachments"),
        c("data", "554 Transaction failed", null, PERMANENT, "message-refused", "replay"),
        c("data", "550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact"
            + " your administrator for further assistance. AS(7555)", null, PERMANENT, "policy-refused",
            "will not help"),
        c("rcpt", "551 User not local; please try <bob@elsewhere.example>", null, DEAD_RECIPIENT, "user-not-local",
            "forward address"),
        c("rcpt", "550 User suspended", null, DEAD_RECIPIENT, "mailbox-disabled", "no longer in use"),
        c("rcpt", "550 Mailbox not found", null, DEAD_RECIPIENT, "mailbox-unknown", "does not exist"),
        c("rcpt", "550 Mailbox not found or access denied", null, DEAD_RECIPIENT, "mailbox-unknown", "does not exist"),
        c("rcpt", "553 Invalid address", null, DEAD_RECIPIENT, "mailbox-unknown", "correct"),
        c("rcpt", "554 5.7.1 <bob@example.com>: Recipient address rejected: Access denied", null, DEAD_RECIPIENT,
            "recipient-refused", "address"),
        c("mail", "550 5.7.1 Sender rejected", null, ACCOUNT_ERROR, "sender-rejected", "every message"),
        // an account's VERP return path is the MAIL FROM: its refusals name returnPath in the fix
        c("mail", "553 5.7.1 <bounces+5f7614d0-0b1e-3d00-9cc8-4136f5f6c443@bounces.example.com>: Sender address"
            + " rejected: not owned by user bot@example.com", null, ACCOUNT_ERROR, "sender-mismatch", "remove returnPath"),
        c("mail", "553 5.1.8 <bounces+5f7614d0-0b1e-3d00-9cc8-4136f5f6c443@bounces.example.com>: Sender address"
            + " rejected: Domain not found", null, ACCOUNT_ERROR, "sender-invalid", "returnPath"),
        c("mail", "553 5.7.1 Requested action not taken: mailbox name not allowed", null, ACCOUNT_ERROR,
            "sender-rejected", "returnPath"),

        // defaults
        c("rcpt", "499 4.9.9 Something odd", null, RETRY, "transient", "lifetime budget"),
        c("data", null, null, RETRY, "connection-lost", "retried"),
        c("data", "500 5.5.1 Command unrecognized", null, PERMANENT, "refused", "replay"),
        c(null, "354 Start mail input; end with <CRLF>.<CRLF>", null, RETRY, "unexpected-reply", "SMTP server"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void classifiesEachRowByItsRealReply(Case c) {
    SmtpReply reply = parse(c.reply());

    Classification result = CLASSIFIER.classify(c.step(), reply, c.cause());

    assertThat(result.action()).as("action").isEqualTo(c.action());
    assertThat(result.kind()).as("kind").isEqualTo(c.kind());
    assertThat(result.fix()).as("fix").containsIgnoringCase(c.mentions());
  }

  @Test
  void everyRowOfTheTableIsExercised() {
    Set<Rule> reached = Collections.newSetFromMap(new IdentityHashMap<>());
    table().forEach(c -> reached.add(CLASSIFIER.rule(c.step(), parse(c.reply()),
        c.cause() == null ? List.of() : List.of(c.cause()))));

    List<String> missed = new ArrayList<>();
    CLASSIFIER.rules().stream().filter(r -> !reached.contains(r)).forEach(r -> missed.add(r.toString()));
    assertThat(missed).as("rows no case reaches").isEmpty();
  }

  @Test
  void everyReplyInTheTableParses() {
    table().filter(c -> c.reply() != null).forEach(c -> assertThat(parse(c.reply())).as(c.reply()).isNotNull());
  }

  // --- the required defaults, spelled out

  @Test
  void anUnknown4xxIsRetriedAndAnUnknown5xxIsPermanent() {
    assertThat(CLASSIFIER.classify("data", parse("470 4.0.0 Odd"), null).action()).isEqualTo(RETRY);
    assertThat(CLASSIFIER.classify("data", parse("571 5.0.0 Odd"), null).action()).isEqualTo(PERMANENT);
  }

  @Test
  void noReplyAndATimeOutIsRetriedAsTimeout() {
    Classification c = CLASSIFIER.classify("io", null, SocketTimeoutException.class);
    assertThat(c).extracting(Classification::action, Classification::kind).containsExactly(RETRY, "timeout");
  }

  @Test
  void aRefusedConnectionIsRetried() {
    Classification c = CLASSIFIER.classify("connect", null, ConnectException.class);
    assertThat(c).extracting(Classification::action, Classification::kind)
        .containsExactly(RETRY, "connection-refused");
  }

  @Test
  void anUnknownHostIsAnAccountErrorPointingAtTheResolver() {
    Classification c = CLASSIFIER.classify("connect", null, UnknownHostException.class);
    assertThat(c.action()).isEqualTo(ACCOUNT_ERROR);
    assertThat(c.fix()).contains("/etc/resolv.conf").contains("nameserver");
  }

  @Test
  void aPlain250IsSent() {
    assertThat(CLASSIFIER.classify(parse("250 OK")).action()).isEqualTo(SENT);
  }

  // --- classify(DeliveryException): the cause chain and stale replies

  @Test
  void findsTheCauseAnywhereInTheChain() {
    DeliveryException e = new DeliveryException("connect", null, "cannot connect to smtp.example.com:587",
        new MessagingException("Couldn't connect to host", new ConnectException("Connection refused")));

    assertThat(CLASSIFIER.classify(e).kind()).isEqualTo("connection-refused");
  }

  @Test
  void ignoresAStale220LeftFromTheStepBeforeAFailedHandshake() {
    DeliveryException e = new DeliveryException("connect", parse("220 2.0.0 Ready to start TLS"), "handshake failed",
        new MessagingException("Could not convert socket to TLS",
            new SSLHandshakeException("PKIX path building failed")));

    Classification c = CLASSIFIER.classify(e);

    assertThat(c.action()).isEqualTo(ACCOUNT_ERROR);
    assertThat(c.kind()).isEqualTo("tls-failed");
  }

  @Test
  void usesTheReplyOfARefusedRecipient() {
    DeliveryException e = new DeliveryException("rcpt", parse("550 5.1.1 <bob@example.com>: User unknown"),
        "recipient bob@example.com refused", new MessagingException("550 5.1.1 User unknown"));

    assertThat(CLASSIFIER.classify(e)).extracting(Classification::action, Classification::kind)
        .containsExactly(DEAD_RECIPIENT, "mailbox-unknown");
  }

  @Test
  void aMissingPasswordIsAnAccountError() {
    DeliveryException e = new DeliveryException("auth", null, "accounts[qq].passwordEnv names QQ_PASSWORD, which is not set",
        new IllegalStateException("accounts[qq].passwordEnv names QQ_PASSWORD, which is not set"));

    assertThat(CLASSIFIER.classify(e).kind()).isEqualTo("password-missing");
  }

  @Test
  void survivesACycleInTheCauseChain() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    DeliveryException e = new DeliveryException("io", null, "odd", a);

    assertThat(CLASSIFIER.classify(e).kind()).isEqualTo("connection-lost");
  }

  @Test
  void matchesTheStepWhateverItsCase() {
    assertThat(CLASSIFIER.classify("MESSAGE", null, null).action()).isEqualTo(INVALID_MESSAGE);
  }

  // --- the table's own checks

  @Test
  void aRuleNamesItsBadValue() {
    assertThatThrownBy(() -> Rule.when().step("helo")).hasMessageContaining("'helo'").hasMessageContaining("ehlo");
    assertThatThrownBy(() -> Rule.when().code("6xx")).hasMessageContaining("'6xx'").hasMessageContaining("4xx");
    assertThatThrownBy(() -> Rule.when().enhanced("5.1")).hasMessageContaining("'5.1'")
        .hasMessageContaining("5.1.");
    assertThatThrownBy(() -> Rule.when().text("(unclosed")).hasMessageContaining("'(unclosed'");
    assertThatThrownBy(() -> Rule.when().then(RETRY, true, "Rate Limited", "wait"))
        .hasMessageContaining("'Rate Limited'").hasMessageContaining("rate-limited");
    assertThatThrownBy(() -> Rule.when().then(RETRY, true, "rate-limited", " ")).hasMessageContaining("rate-limited");
  }

  @Test
  void theDefaultTableCountsTheServersTransientAndAccountFailuresAgainstTheBreaker() {
    assertThat(CLASSIFIER.rules()).filteredOn(rule -> !rule.result().kind().equals("worker-error"))
        .allSatisfy(rule -> assertThat(rule.result().countsAgainstBreaker()).as("breaker column of %s", rule)
            .isEqualTo(rule.result().action() == RETRY || rule.result().action() == ACCOUNT_ERROR
                || rule.result().action() == UNKNOWN));
    assertThat(CLASSIFIER.classify("worker", null, IllegalStateException.class))
        .as("the worker's own error is retried but says nothing about the account")
        .extracting(Classification::action, Classification::countsAgainstBreaker).containsExactly(RETRY, false);
  }

  @Test
  void aTableMustEndWithACatchAll() {
    List<Rule> rules = List.of(Rule.when().code("4xx").then(RETRY, true, "transient", "wait"));

    assertThatThrownBy(() -> new ReplyClassifier(rules)).hasMessageContaining("catch-all")
        .hasMessageContaining("code=4xx");
  }

  @Test
  void enhancedCodesMatchExactlyUnlessEndingInADot() {
    Rule exact = Rule.when().enhanced("5.7.5").then(PERMANENT, false, "x", "y");
    Rule prefix = Rule.when().enhanced("5.7.").then(PERMANENT, false, "x", "y");

    assertThat(exact.matches("data", parse("550 5.7.520 Access denied"), List.of())).isFalse();
    assertThat(prefix.matches("data", parse("550 5.7.520 Access denied"), List.of())).isTrue();
  }

  private static SmtpReply parse(String line) {
    return line == null ? null : SmtpReply.parse(line);
  }
}
