package dev.notifier.testkit.smtp;

/**
 * The points of an SMTP conversation at which a {@link ReplyScript} can replace, delay or withhold
 * the server's reply.
 */
public enum Stage {
    /** The greeting sent when a client connects. The argument is the client's address. */
    CONNECT,
    /** The reply to EHLO or HELO. The argument is the client's host name. */
    EHLO,
    /** The final reply to AUTH. The argument is the mechanism (and initial response, if any). */
    AUTH,
    /** The reply to MAIL FROM. The argument is the command's argument, e.g. {@code FROM:<a@b.c>}. */
    MAIL,
    /** The reply to RCPT TO. The argument is the command's argument, e.g. {@code TO:<a@b.c>}. */
    RCPT,
    /** The reply to the DATA command itself (normally 354). The argument is empty. */
    DATA,
    /** The reply after the terminating dot (normally 250). The argument is the message data. */
    DATA_END
}
