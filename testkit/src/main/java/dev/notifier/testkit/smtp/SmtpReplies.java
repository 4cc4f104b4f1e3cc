package dev.notifier.testkit.smtp;

/**
 * Small helpers for SMTP reply lines ("250 2.0.0 Ok"): validation and classification by code.
 */
final class SmtpReplies {

    private SmtpReplies() {
    }

    /** Throws unless {@code reply} starts with a three-digit reply code. */
    static String requireValid(String reply) {
        if (reply == null || reply.length() < 3 || !Character.isDigit(reply.charAt(0))
                || !Character.isDigit(reply.charAt(1)) || !Character.isDigit(reply.charAt(2))) {
            throw new IllegalArgumentException("SMTP reply must start with a three-digit code, e.g. "
                    + "\"550 5.1.1 User unknown\", but was: " + reply);
        }
        if (reply.length() > 3 && reply.charAt(3) != ' ' && reply.charAt(3) != '-') {
            throw new IllegalArgumentException("SMTP reply code must be followed by a space, but was: " + reply);
        }
        return reply;
    }

    /** The numeric reply code, e.g. 550. */
    static int code(String reply) {
        return Integer.parseInt(reply.substring(0, 3));
    }

    /** True for 2xx and 3xx replies: the command was accepted. */
    static boolean isPositive(String reply) {
        char first = reply.charAt(0);
        return first == '2' || first == '3';
    }

    /** True for 421: the server closes the connection after sending it. */
    static boolean closesConnection(String reply) {
        return code(reply) == 421;
    }
}
