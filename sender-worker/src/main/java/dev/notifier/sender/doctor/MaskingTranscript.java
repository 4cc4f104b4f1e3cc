package dev.notifier.sender.doctor;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SMTP dialogue of a check, line by line, with AUTH secrets masked before a line is kept.
 *
 * <p>Two defences. The dialogue is read as SMTP: the argument of an {@code AUTH} command (the
 * initial response of PLAIN, the user name of LOGIN) becomes {@code ****}, and so does every client
 * line until the server's final reply to AUTH (the base64 answers to its 334 challenges). Then every
 * secret the check knows — the password, its base64, and the base64 of the PLAIN response
 * {@code authzid\0user\0password} — is replaced wherever it still appears. Angus Mail's
 * {@code DEBUG} chatter is dropped; what remains is the protocol. Not thread-safe: one per check.
 */
final class MaskingTranscript {

  static final String MASK = "****";
  /** Shorter secrets are not searched for in free text: masking "ab" everywhere would garble the dialogue. */
  private static final int MIN_SCRUBBED_LENGTH = 4;
  private static final Pattern REPLY = Pattern.compile("^\\d{3}([ -].*)?$");
  private static final Pattern AUTH_COMMAND = Pattern.compile("^AUTH\\s+(\\S+)(\\s+.*)?$", Pattern.CASE_INSENSITIVE);

  private final List<String> lines = new ArrayList<>();
  private final Set<String> secrets = new LinkedHashSet<>();
  private boolean inAuth;

  /** Registers the password of {@code user}: it, its base64 and the base64 PLAIN responses are masked. */
  void secret(String user, String password) {
    if (password == null || password.isEmpty()) {
      return;
    }
    String u = user == null ? "" : user;
    secrets.add(password);
    secrets.add(base64(password));
    secrets.add(base64("\0" + u + "\0" + password));
    secrets.add(base64(u + "\0" + u + "\0" + password));
  }

  /** A heading for the next part of the dialogue, e.g. "--- connection 2: ...". */
  void section(String heading) {
    lines.add("--- " + heading);
  }

  /** One line as sent or received; masked before it is kept. */
  void line(String raw) {
    String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
    if (line.startsWith("DEBUG")) {
      return; // Angus Mail's own chatter, not the protocol
    }
    lines.add(scrub(mask(line)));
  }

  /** The lines so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** A stream for {@code Session.setDebugOut}: each line written becomes a {@link #line}. */
  PrintStream printStream() {
    return new PrintStream(new LineSplitter(), true, StandardCharsets.UTF_8);
  }

  private String mask(String line) {
    var auth = AUTH_COMMAND.matcher(line);
    if (auth.matches()) {
      inAuth = true;
      return auth.group(2) == null ? line : "AUTH " + auth.group(1).toUpperCase(Locale.ROOT) + " " + MASK;
    }
    if (REPLY.matcher(line).matches()) {
      boolean finalLine = line.length() == 3 || line.charAt(3) == ' ';
      if (inAuth && finalLine && !line.startsWith("334")) {
        inAuth = false; // 235 or a refusal ends the exchange
      }
      return line;
    }
    return inAuth ? MASK : line;
  }

  private String scrub(String line) {
    String result = line;
    for (String secret : secrets) {
      if (secret.length() >= MIN_SCRUBBED_LENGTH) {
        result = result.replace(secret, MASK);
      }
    }
    return result;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Collects bytes up to each line feed and hands the line on. */
  private final class LineSplitter extends OutputStream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      if (b == '\n') {
        line(pending.toString(StandardCharsets.UTF_8));
        pending.reset();
      } else {
        pending.write(b);
      }
    }

    @Override
    public void flush() {
      // lines are handed on when complete; a partial line waits for its line feed
    }

    @Override
    public void close() {
      if (pending.size() > 0) {
        line(pending.toString(StandardCharsets.UTF_8));
        pending.reset();
      }
    }
  }
}
