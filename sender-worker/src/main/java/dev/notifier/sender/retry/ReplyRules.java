package dev.notifier.sender.retry;

import static dev.notifier.sender.retry.Action.ACCOUNT_ERROR;
import static dev.notifier.sender.retry.Action.DEAD_RECIPIENT;
import static dev.notifier.sender.retry.Action.INVALID_MESSAGE;
import static dev.notifier.sender.retry.Action.PERMANENT;
import static dev.notifier.sender.retry.Action.RETRY;
import static dev.notifier.sender.retry.Action.UNKNOWN;
import static dev.notifier.sender.retry.Action.SENT;
import static dev.notifier.sender.retry.Rule.when;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The classification table: what each SMTP reply or transport failure means. Rows are tried in
 * order and the first that matches wins, so the order carries meaning:
 *
 * <ol>
 *   <li>the exception decides before the reply when the transport itself failed (a stale reply
 *       may still be attached);
 *   <li>provider limits come before every 5xx row, because QQ, 163 and Gmail send 5xx codes for
 *       limits that lift by themselves ({@code 550 Connection frequency limited},
 *       {@code 550 5.4.5 Daily sending quota exceeded}): these are retried, not dead-lettered;
 *   <li>account rows come before recipient rows: {@code 5.1.7}/{@code 5.1.8} are about the
 *       sender and {@code 554 5.7.1 Relay access denied} at RCPT is about the login, not the person;
 *   <li>{@code 5.2.2} (mailbox full) comes before "size" texts ({@code 552 5.2.2 Mailbox size
 *       limit exceeded}), and block-list texts before "spam" texts;
 *   <li>the last rows are the defaults: other 4xx or no reply → retry, other 5xx → permanent, and
 *       a catch-all for anything else.
 * </ol>
 *
 * <p>The second column says what the outcome tells the account's circuit breaker: {@link #COUNTS}
 * against it (the server failed, throttled or refused the account: enough of these open the
 * breaker and the account's mail waits), or {@link #HEALTHY} (the server answered sanely — a sent
 * message, a refused recipient or message — whatever became of the mail). Today exactly the
 * {@link Action#RETRY}, {@link Action#ACCOUNT_ERROR} and {@link Action#UNKNOWN} (a server silent after
 * the end of data) rows count, except the worker's own errors
 * (a bug, a notification the code did not expect), which are retried but say nothing about the account.
 *
 * <p>Decisions worth knowing: an unknown host is an {@link Action#ACCOUNT_ERROR} (it is the
 * account's host; retrying a typo for 24 h helps no one); a TLS failure at connect is an account
 * error, but a TLS error mid-session is a lost connection; {@code 5.2.2} is a dead recipient while
 * {@code 4.2.2} is retried; Outlook's {@code 5.7.520} is an organization policy (external forwarding),
 * not a rate limit, so it is permanent; a block-list refusal is permanent, not an account error,
 * because other recipients' servers may still take the mail.
 */
public final class ReplyRules {

  /** The breaker column: the outcome counts against the account's circuit breaker. */
  static final boolean COUNTS = true;
  /** The breaker column: the server answered sanely; a success for the breaker. */
  static final boolean HEALTHY = false;

  private ReplyRules() {
  }

  public static List<Rule> defaults() {
    return List.of(
        // --- delivered
        when().code("2xx")                                            .then(SENT, HEALTHY, "sent", Fixes.SENT),

        // --- refused before any SMTP exchange
        when().step("message")                                        .then(INVALID_MESSAGE, HEALTHY, "message-invalid", Fixes.MESSAGE_INVALID),

        // --- the worker failed, not the server: retried; says nothing about the account
        when().step("worker")                                         .then(RETRY, HEALTHY, "worker-error", Fixes.WORKER_ERROR),

        // --- no reply after the end of data: the server may have taken it (never failed over)
        when().step("end-of-data").noReply()                          .then(UNKNOWN, COUNTS, "outcome-unknown", Fixes.OUTCOME_UNKNOWN),

        // --- the transport failed: the exception says how
        when().cause(UnknownHostException.class)                      .then(ACCOUNT_ERROR, COUNTS, "dns-failed", Fixes.DNS),
        when().step("starttls")                                       .then(ACCOUNT_ERROR, COUNTS, "starttls-unsupported", Fixes.STARTTLS_UNSUPPORTED),
        when().step("connect").cause(SSLException.class)              .then(ACCOUNT_ERROR, COUNTS, "tls-failed", Fixes.TLS_FAILED),
        when().step("connect").cause(CertificateException.class)      .then(ACCOUNT_ERROR, COUNTS, "tls-failed", Fixes.TLS_FAILED),
        when().step("auth").noReply().cause(IllegalStateException.class).then(ACCOUNT_ERROR, COUNTS, "password-missing", Fixes.PASSWORD_MISSING),
        when().cause(SocketTimeoutException.class)                    .then(RETRY, COUNTS, "timeout", Fixes.TIMEOUT),
        when().cause(ConnectException.class)                          .then(RETRY, COUNTS, "connection-refused", Fixes.CONNECTION_REFUSED),
        when().cause(NoRouteToHostException.class)                    .then(RETRY, COUNTS, "unreachable", Fixes.UNREACHABLE),
        when().step("auth").noReply()                                 .then(ACCOUNT_ERROR, COUNTS, "auth-unavailable", Fixes.AUTH_UNAVAILABLE),

        // --- provider limits: transient even when the code is 5xx
        when().text("frequency")                                      .then(RETRY, COUNTS, "rate-limited", Fixes.RATE_LIMITED),
        when().enhanced("5.4.5")                                      .then(RETRY, COUNTS, "quota-exceeded", Fixes.QUOTA_EXCEEDED),
        when().text("sending (limit|quota)|SubmissionQuotaExceeded|daily limit|MI:STC|RP:TRC")
                                                                      .then(RETRY, COUNTS, "quota-exceeded", Fixes.QUOTA_EXCEEDED),
        when().text("rate limit|unusual rate|at a rate that|too many messages|MI:SFQ|RP:QRC")
                                                                      .then(RETRY, COUNTS, "rate-limited", Fixes.RATE_LIMITED),
        when().text("\\[TS[S]?\\d+\\]|temporarily deferred")          .then(RETRY, COUNTS, "deferred", Fixes.DEFERRED),
        when().text("too many (concurrent )?connections|concurrent (server )?connections|thread limit")
                                                                      .then(RETRY, COUNTS, "too-many-connections", Fixes.TOO_MANY_CONNECTIONS),
        when().code("4xx").text("server busy|system busy")            .then(RETRY, COUNTS, "server-busy", Fixes.SERVER_BUSY),

        // --- other transient replies, named for metrics
        when().code("4xx").text("gr[ae]y-?list")                      .then(RETRY, COUNTS, "greylisted", Fixes.GREYLISTED),
        when().code("454").text("auth")                               .then(RETRY, COUNTS, "auth-temporary", Fixes.AUTH_TEMPORARY),
        when().code("452").text("too many recipients")                .then(RETRY, COUNTS, "too-many-recipients", Fixes.TOO_MANY_RECIPIENTS),
        when().enhanced("4.2.2")                                      .then(RETRY, COUNTS, "mailbox-full", Fixes.MAILBOX_FULL_FOR_NOW),
        when().code("452")                                            .then(RETRY, COUNTS, "insufficient-storage", Fixes.INSUFFICIENT_STORAGE),
        when().code("421")                                            .then(RETRY, COUNTS, "service-unavailable", Fixes.SERVICE_UNAVAILABLE),
        when().code("450")                                            .then(RETRY, COUNTS, "mailbox-busy", Fixes.MAILBOX_BUSY),
        when().code("451")                                            .then(RETRY, COUNTS, "server-error", Fixes.SERVER_ERROR),

        // --- the account is misconfigured: the breaker opens and the account's mail waits
        when().code("5xx").text("STARTTLS|TLS (is )?required|encryption required")
                                                                      .then(ACCOUNT_ERROR, COUNTS, "tls-required", Fixes.TLS_REQUIRED),
        when().code("5xx").text("SmtpClientAuthentication|basic authentication is disabled")
                                                                      .then(ACCOUNT_ERROR, COUNTS, "smtp-auth-disabled", Fixes.SMTP_AUTH_DISABLED),
        when().code("5xx").text("application-specific password")      .then(ACCOUNT_ERROR, COUNTS, "app-password-required", Fixes.APP_PASSWORD),
        when().enhanced("5.7.14")                                     .then(ACCOUNT_ERROR, COUNTS, "login-blocked", Fixes.LOGIN_BLOCKED),
        when().code("535")                                            .then(ACCOUNT_ERROR, COUNTS, "auth-failed", Fixes.AUTH_FAILED),
        when().code("534")                                            .then(ACCOUNT_ERROR, COUNTS, "auth-too-weak", Fixes.AUTH_TOO_WEAK),
        when().code("530")                                            .then(ACCOUNT_ERROR, COUNTS, "auth-required", Fixes.AUTH_REQUIRED),
        when().code("5xx").text("authentication (is )?required|not authenticated|authenticate first")
                                                                      .then(ACCOUNT_ERROR, COUNTS, "auth-required", Fixes.AUTH_REQUIRED),
        when().code("5xx").text("must equal authorized user|not owned by user|send as this sender|SendAsDenied")
                                                                      .then(ACCOUNT_ERROR, COUNTS, "sender-mismatch", Fixes.SENDER_MISMATCH),
        when().enhanced("5.7.60")                                     .then(ACCOUNT_ERROR, COUNTS, "sender-mismatch", Fixes.SENDER_MISMATCH),
        when().code("5xx").text("user has no permission")             .then(ACCOUNT_ERROR, COUNTS, "smtp-disabled", Fixes.SMTP_DISABLED),
        when().code("5xx").text("relay(ing)? (access )?(denied|not permitted)|unable to relay|rcpthosts")
                                                                      .then(ACCOUNT_ERROR, COUNTS, "relay-denied", Fixes.RELAY_DENIED),
        when().enhanced("5.1.7")                                      .then(ACCOUNT_ERROR, COUNTS, "sender-invalid", Fixes.SENDER_INVALID),
        when().enhanced("5.1.8")                                      .then(ACCOUNT_ERROR, COUNTS, "sender-invalid", Fixes.SENDER_INVALID),
        when().step("auth").code("5xx")                               .then(ACCOUNT_ERROR, COUNTS, "auth-failed", Fixes.AUTH_FAILED),

        // --- the recipient is gone, by enhanced code (any step)
        when().enhanced("5.3.4")                                      .then(PERMANENT, HEALTHY, "message-too-big", Fixes.MESSAGE_TOO_BIG),
        when().enhanced("5.2.2")                                      .then(DEAD_RECIPIENT, HEALTHY, "mailbox-full", Fixes.MAILBOX_FULL),
        when().step("rcpt").code("552")                               .then(DEAD_RECIPIENT, HEALTHY, "mailbox-full", Fixes.MAILBOX_FULL),
        when().enhanced("5.2.1")                                      .then(DEAD_RECIPIENT, HEALTHY, "mailbox-disabled", Fixes.MAILBOX_DISABLED),
        when().enhanced("5.1.3")                                      .then(DEAD_RECIPIENT, HEALTHY, "address-invalid", Fixes.ADDRESS_INVALID),
        when().enhanced("5.1.")                                       .then(DEAD_RECIPIENT, HEALTHY, "mailbox-unknown", Fixes.MAILBOX_UNKNOWN),

        // --- the message, or the sender's reputation, is refused
        when().code("552").text("size|too (big|large)|exceed")        .then(PERMANENT, HEALTHY, "message-too-big", Fixes.MESSAGE_TOO_BIG),
        when().code("5xx").text("spamhaus|block ?list|black ?list|blocked using")
                                                                      .then(PERMANENT, HEALTHY, "sender-blocked", Fixes.SENDER_BLOCKED),
        when().enhanced("5.6.")                                       .then(PERMANENT, HEALTHY, "message-refused", Fixes.MESSAGE_REFUSED),
        when().code("5xx").text("spam|virus|malware|DT:SPM|content")  .then(PERMANENT, HEALTHY, "message-refused", Fixes.MESSAGE_REFUSED),
        when().step("data").code("554")                               .then(PERMANENT, HEALTHY, "message-refused", Fixes.MESSAGE_REFUSED),
        when().enhanced("5.7.520")                                    .then(PERMANENT, HEALTHY, "policy-refused", Fixes.POLICY_REFUSED),

        // --- the recipient is gone, by step
        when().code("551")                                            .then(DEAD_RECIPIENT, HEALTHY, "user-not-local", Fixes.USER_NOT_LOCAL),
        when().step("rcpt").code("5xx").text("disabled|inactive|suspended|deactivated")
                                                                      .then(DEAD_RECIPIENT, HEALTHY, "mailbox-disabled", Fixes.MAILBOX_DISABLED),
        when().step("rcpt").code("5xx").text("unknown|not found|no such|not exist|n't exist|invalid|unavailable")
                                                                      .then(DEAD_RECIPIENT, HEALTHY, "mailbox-unknown", Fixes.MAILBOX_UNKNOWN),
        when().step("rcpt").code("5xx")                               .then(DEAD_RECIPIENT, HEALTHY, "recipient-refused", Fixes.RECIPIENT_REFUSED),

        // --- a 5xx to MAIL FROM refuses the account's sender, so every message of the account
        when().step("mail").code("5xx")                               .then(ACCOUNT_ERROR, COUNTS, "sender-rejected", Fixes.SENDER_REJECTED),

        // --- defaults
        when().code("4xx")                                            .then(RETRY, COUNTS, "transient", Fixes.TRANSIENT),
        when().noReply()                                              .then(RETRY, COUNTS, "connection-lost", Fixes.CONNECTION_LOST),
        when().code("5xx")                                            .then(PERMANENT, HEALTHY, "refused", Fixes.PERMANENT),
        when()                                                        .then(RETRY, COUNTS, "unexpected-reply", Fixes.UNEXPECTED));
  }
}
