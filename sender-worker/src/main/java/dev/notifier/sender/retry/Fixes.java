package dev.notifier.sender.retry;

/** What a person should do, one sentence per kind of failure; the table in {@link ReplyRules} uses them. */
final class Fixes {

  private Fixes() {
  }

  static final String SENT = "nothing to fix: the server accepted the message";

  // --- refused before any SMTP exchange
  static final String MESSAGE_INVALID = "the message was refused before any byte was sent (e.g. CR or LF in a"
      + " header, a malformed address): correct the notification or its template, then send it again";

  // --- the worker's own failure
  static final String WORKER_ERROR = "the worker failed while processing this notification (a bug, or a notification it"
      + " did not expect): it is retried; if it keeps failing, report the exception in the worker's log";

  // --- transport failures
  static final String DNS = "the account's host name did not resolve: check its spelling (e.g. smtp.qq.com),"
      + " that /etc/resolv.conf is readable by the worker's user and its nameserver reachable"
      + " (try: getent hosts <host>)";
  static final String TLS_FAILED = "the TLS handshake failed: the security mode must match the port — implicit"
      + " TLS (security: ssl) is for 465/994, STARTTLS (security: starttls) for 587/25 — and the server"
      + " certificate must be trusted and valid for the configured host name (use the provider's host name,"
      + " not an IP address or an alias)";
  static final String PASSWORD_MISSING = "the account has a username but its password could not be read: export"
      + " the environment variable named by passwordEnv, or make passwordFile readable by the worker";
  static final String TIMEOUT = "the server did not answer within the read time-out: check the host and port, a"
      + " firewall, or a slow local MTA; the EHLO name must be a qualified host name; security: ssl on a"
      + " STARTTLS port (or the reverse) also hangs until the time-out";
  static final String CONNECTION_REFUSED = "nothing listens at host:port or a firewall/security group/SELinux"
      + " (httpd_can_sendmail) blocks it: check the host and port (465 ssl, 587 starttls, 25), open the port"
      + " outbound, and on SELinux hosts run setsebool -P httpd_can_sendmail 1";
  static final String UNREACHABLE = "no route to the host: a firewall or security group drops traffic to that"
      + " port, and many clouds block outbound port 25: use 465 (ssl) or 587 (starttls)";
  static final String AUTH_UNAVAILABLE = "the login could not be attempted: the server offered no authentication"
      + " this client supports, and most servers offer AUTH only after TLS: set security: starttls (587) or"
      + " ssl (465)";
  static final String OUTCOME_UNKNOWN = "no reply came after the end of data: the server may have queued the"
      + " message, so it is not failed over; it is sent again on the same account after unknownOutcomeRetry (with"
      + " the same Message-ID), or not at all with retryUnknownOutcome: false. A slow server needs a longer"
      + " finalReplyTimeout";

  static final String CONNECTION_LOST = "the connection failed or closed without an SMTP reply: it is retried;"
      + " if it persists check the host, the port, the security mode and the network to the server";

  // --- provider limits (transient, even when the code is 5xx)
  static final String RATE_LIMITED = "the provider is limiting how often this account or IP connects or sends"
      + " (QQ/163 'frequency limited', Gmail 'unusual rate'): it is retried with backoff; lower the account's"
      + " rate in the throttle settings or spread the mail over more accounts";
  static final String QUOTA_EXCEEDED = "the account reached the provider's daily sending quota (Gmail 5.4.5,"
      + " Outlook 5.1.90, 163 MI:STC/RP:TRC): mail waits and is retried after the quota resets; lower the"
      + " account's daily volume or add accounts";
  static final String DEFERRED = "the provider is deferring mail from this sender (Yahoo [TSS04]: complaints or"
      + " reputation): it is retried later; check SPF, DKIM and DMARC of the from domain and the complaint rate";
  static final String TOO_MANY_CONNECTIONS = "the server refused another connection from this account or IP: it"
      + " is retried; lower the account's concurrency (one connection per account suits Outlook and Gmail)";
  static final String SERVER_BUSY = "the server is busy (e.g. Outlook 4.7.500): it is retried later; nothing to"
      + " change unless it persists";

  // --- other transient replies
  static final String GREYLISTED = "the recipient's server greylisted the message: the retry a few minutes later"
      + " is expected to succeed; nothing to change";
  static final String AUTH_TEMPORARY = "the server could not check the login just now (454): it is retried; if it"
      + " persists, check the provider's status page";
  static final String TOO_MANY_RECIPIENTS = "the server takes fewer recipients per message: it is retried; send"
      + " fewer recipients per notification";
  static final String MAILBOX_FULL_FOR_NOW = "the recipient's mailbox is full for now (4.2.2): it is retried; the"
      + " recipient must free space";
  static final String INSUFFICIENT_STORAGE = "the server is short of storage (452): it is retried later";
  static final String SERVICE_UNAVAILABLE = "the server is not taking mail just now and closed the connection"
      + " (421): it is retried with backoff; if it persists the provider may be limiting this account";
  static final String MAILBOX_BUSY = "the mailbox is busy or unavailable for now (450): it is retried";
  static final String SERVER_ERROR = "the server had a local error or asked to try again later (451): it is"
      + " retried";
  static final String TRANSIENT = "the server refused for now (4xx): it is retried with backoff until the"
      + " lifetime budget runs out";

  // --- the account is misconfigured
  static final String SMTP_AUTH_DISABLED = "SMTP AUTH is disabled for this mailbox or tenant (Outlook 5.7.139):"
      + " enable Authenticated SMTP for the mailbox in the Microsoft 365 admin center, or use another account";
  static final String AUTH_FAILED = "the server refused the login: check the username, and note that QQ/163/126"
      + " need an authorization code (授权码) generated in the mailbox settings, not the login password";
  static final String APP_PASSWORD = "the provider requires an app-specific password (Gmail with 2-Step"
      + " Verification, iCloud): generate one in the account's security settings and use it as the password";
  static final String LOGIN_BLOCKED = "the provider blocked the sign-in as suspicious (Gmail 5.7.14): log in via"
      + " a web browser once to approve it, then use an app-specific password";
  static final String AUTH_TOO_WEAK = "the server refused the login mechanism as too weak (534): use security:"
      + " ssl (465) or starttls (587) so that a stronger mechanism, or plain login over TLS, is allowed";
  static final String STARTTLS_UNSUPPORTED = "security is starttls, which is required, but the server does not offer"
      + " STARTTLS on this port: use port 465 with security: ssl, or the provider's submission port 587; never send"
      + " in clear to an outside server";
  static final String TLS_REQUIRED = "the server requires TLS: set security: starttls (port 587/25) or ssl"
      + " (port 465)";
  static final String AUTH_REQUIRED = "the server takes mail only after login: set username and passwordEnv (or"
      + " passwordFile) on the account; with security: none many servers offer no AUTH, so use starttls or ssl";
  static final String SENDER_MISMATCH = "the from address must be the authenticated user (username): set from to"
      + " the username or use an account whose username is the from address; an account with a returnPath sends"
      + " that as MAIL FROM, which such a provider refuses: remove returnPath (bounces then correlate by header)";
  static final String SMTP_DISABLED = "the mailbox does not allow SMTP (163 'User has no permission'): enable the"
      + " POP3/SMTP service in the mailbox settings and use the authorization code it issues as the password";
  static final String RELAY_DENIED = "the server refuses to relay for this client: log in (set username and a"
      + " password on the account) or let the MTA accept the worker's address (e.g. Postfix mynetworks)";
  static final String SENDER_INVALID = "the server refused the sender address: set from (and returnPath, the"
      + " envelope sender, when the account sets one) to a valid address the account owns; Outlook's 5.1.8 'bad outbound sender' means the provider blocked the account for spam"
      + " and must unblock it";
  static final String SENDER_REJECTED = "the server refused the sender (MAIL FROM), so it will refuse every message"
      + " of this account: check that from — or returnPath, the envelope sender, when the account sets one — is an"
      + " address the account may send as";

  // --- the recipient is gone
  static final String MAILBOX_FULL = "the recipient's mailbox is full and the server gave up (5.2.2): the"
      + " recipient must free space; replay the dead letter afterwards";
  static final String MAILBOX_DISABLED = "the recipient's mailbox is disabled (5.2.1): the address is no longer"
      + " in use; remove or update it";
  static final String ADDRESS_INVALID = "the recipient address is malformed or its domain does not take mail"
      + " (5.1.3): correct the address";
  static final String MAILBOX_UNKNOWN = "the recipient's mailbox does not exist (the person may have left):"
      + " remove or correct the address";
  static final String USER_NOT_LOCAL = "the server does not deliver for this recipient (551): use the forward"
      + " address the reply names, if any";
  static final String RECIPIENT_REFUSED = "the server refused this recipient permanently: check the address"
      + " against the reply text";

  // --- the message or the sender's reputation is refused
  static final String MESSAGE_TOO_BIG = "the message is larger than the server takes (5.3.4/552): shrink it —"
      + " fewer or smaller attachments, linked rather than inline images — below the provider's limit";
  static final String MESSAGE_REFUSED = "the server refused the message content (spam, virus or policy filter,"
      + " e.g. 554 5.7.1 or 163's DT:SPM): change the content (links, attachments, wording), check SPF/DKIM/DMARC"
      + " of the from domain, then replay the dead letter";
  static final String SENDER_BLOCKED = "the receiving server blocks the sending IP or domain (block list,"
      + " reputation): request delisting (e.g. at spamhaus.org) and check SPF/DKIM/DMARC, then replay";
  static final String POLICY_REFUSED = "the provider refused by organization policy (Outlook 5.7.520: external"
      + " forwarding not allowed): the tenant administrator must allow it; retrying will not help";
  static final String PERMANENT = "the server refused permanently (5xx): read the reply text; the same message"
      + " would be refused again, so fix the cause, then replay the dead letter";
  static final String UNEXPECTED = "the server sent an unexpected reply: it is retried; if it persists check"
      + " that host:port is an SMTP server";
}
