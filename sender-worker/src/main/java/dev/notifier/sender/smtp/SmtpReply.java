package dev.notifier.sender.smtp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SMTP reply as the server sent it: the three-digit code, the RFC 3463 enhanced status code
 * when present ({@code 5.1.1}), and the text.
 */
public record SmtpReply(int code, String enhancedCode, String text) {

  private static final Pattern REPLY = Pattern.compile("^\\s*(\\d{3})(?:[ -]|$)(?:([245]\\.\\d{1,3}\\.\\d{1,3})\\s*)?(.*)$",
      Pattern.DOTALL);

  /** Parses a reply line such as {@code 550 5.1.1 <bob@example.com>: User unknown}; null if none. */
  public static SmtpReply parse(String line) {
    if (line == null) {
      return null;
    }
    Matcher m = REPLY.matcher(line.strip());
    if (!m.matches()) {
      return null;
    }
    return new SmtpReply(Integer.parseInt(m.group(1)), m.group(2), m.group(3).strip());
  }

  public boolean isTransient() {
    return code >= 400 && code < 500;
  }

  @Override
  public String toString() {
    return code + (enhancedCode != null ? " " + enhancedCode : "") + " " + text;
  }
}
