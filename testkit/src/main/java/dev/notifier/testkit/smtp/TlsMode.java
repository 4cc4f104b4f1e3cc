package dev.notifier.testkit.smtp;

/**
 * How a {@link ScriptableSmtpServer} offers TLS, mirroring the three ways real providers do it.
 */
public enum TlsMode {
    /** Plain text only, like port 25 without STARTTLS. */
    NONE,
    /** TLS from the first byte, like port 465 ("SMTPS"). */
    IMPLICIT,
    /** Plain text that can be upgraded with the STARTTLS command, like port 587. */
    STARTTLS
}
