package dev.notifier.sender.doctor;

/**
 * The steps of an SMTP check, in the order a connection goes through them; the first that fails
 * ends the check. Each names the layer a person would look at: the resolver, the network, TLS,
 * then the SMTP dialogue.
 */
public enum Step {
  /** The host name resolves (InetAddress, as the worker's socket does). */
  DNS,
  /** A TCP connection to the first resolved address and the port opens within the time-out. */
  TCP,
  /** Implicit TLS, or EHLO + STARTTLS, completes with a trusted certificate naming the host; for security: none, a plain greeting arrives. */
  TLS,
  /** Angus Mail connects as the worker does (greeting, EHLO, STARTTLS) and lists the server's extensions. */
  EHLO,
  /** Angus Mail logs in with the account's username and password. */
  AUTH,
  /** The server accepts the account's envelope sender: its from address, or its VERP return path when it sets one. */
  MAIL,
  /** The server accepts the recipient (only with a recipient). */
  RCPT,
  /** A test message is delivered (only when asked to send). */
  DATA
}
