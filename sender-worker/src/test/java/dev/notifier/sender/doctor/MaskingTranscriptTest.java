package dev.notifier.sender.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The transcript's masking, line by line, for every shape of AUTH a client may use. */
class MaskingTranscriptTest {

  private static final String USER = "user";
  private static final String PASSWORD = "password";

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String replay(String... lines) {
    MaskingTranscript transcript = new MaskingTranscript();
    transcript.secret(USER, PASSWORD);
    try (PrintStream out = transcript.printStream()) {
      for (String line : lines) {
        out.print(line + "\r\n");
      }
    }
    return String.join("\n", transcript.lines());
  }

  @Test
  void plainWithAnInitialResponseIsMasked() {
    String text = replay("EHLO me", "250-smtp.example", "250 AUTH PLAIN LOGIN",
        "AUTH PLAIN " + b64("\0user\0password"), "235 2.7.0 Authentication successful", "MAIL FROM:<a@b.c>");

    assertThat(text).contains("250 AUTH PLAIN LOGIN", "AUTH PLAIN ****", "235 2.7.0", "MAIL FROM:<a@b.c>")
        .doesNotContain(b64("\0user\0password"), b64(PASSWORD), PASSWORD);
  }

  @Test
  void plainAnsweringAChallengeIsMasked() {
    String text = replay("AUTH PLAIN", "334 ", b64("user\0user\0password"), "235 2.7.0 ok", "QUIT");

    assertThat(text).isEqualTo("AUTH PLAIN\n334 \n****\n235 2.7.0 ok\nQUIT");
  }

  @Test
  void loginsUserAndPasswordLinesAreMasked() {
    String text = replay("AUTH LOGIN", "334 VXNlcm5hbWU6", b64(USER), "334 UGFzc3dvcmQ6", b64(PASSWORD),
        "535 5.7.8 Authentication credentials invalid", "QUIT");

    assertThat(text).isEqualTo("AUTH LOGIN\n334 VXNlcm5hbWU6\n****\n334 UGFzc3dvcmQ6\n****\n"
        + "535 5.7.8 Authentication credentials invalid\nQUIT");
  }

  @Test
  void thePasswordIsMaskedEvenOutsideAnAuthExchangeAndDebugChatterIsDropped() {
    String text = replay("DEBUG SMTP: connecting", "X-Leak: password " + b64(PASSWORD));

    assertThat(text).isEqualTo("X-Leak: **** ****");
  }
}
