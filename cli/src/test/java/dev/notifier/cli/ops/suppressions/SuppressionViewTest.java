package dev.notifier.cli.ops.suppressions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notifier.avro.Suppression;
import dev.notifier.avro.SuppressionReason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code suppressions show}, {@code suppressions add} and {@code status --to} print of a
 * suppression: its detail quotes a mail server or a provider's webhook, and reaches a terminal.
 */
class SuppressionViewTest {

  private static final Instant T = Instant.parse("2026-11-21T10:15:00Z");
  private static final String CONTROLS = "[\\x00-\\x1F\\x7F\\x{80}-\\x{9F}\\x{202E}]";
  /** A reply that clears the screen, retitles the window, plants a link and reverses the text after it. */
  private static final String HOSTILE = "550 5.1.1 \u001b[2J\u001b[1;1Hall good\u001b]0;owned\u0007"
      + "\u001b]8;;http://evil.example\u001b\\click\u001b]8;;\u001b\\\r\n\u009b31mred\u202Eevil";

  @Test
  void escapeSequencesInABouncesDetailNeverReachTheTerminal() {
    Suppression s = Suppression.newBuilder().setAddress("gone@example.org").setReason(SuppressionReason.HARD_BOUNCE)
        .setCategories(List.of()).setSource("smtp:default").setDetail(HOSTILE).setFirstSeen(T).setLastSeen(T)
        .setCount(1).build();

    String sentence = SuppressionView.sentence(s, T);

    assertThat(sentence).doesNotContainPattern(CONTROLS)
        .endsWith("until removed: 550 5.1.1 all goodclick redevil");
  }

  @Test
  void escapeSequencesInAnAuditRecordNeverReachTheTerminal() {
    ObjectNode h = new ObjectMapper().createObjectNode().put("at", T.toString()).put("action", "suppression.remove")
        .put("principal", "User:bob").put("osUser", "bob\u001b]0;owned\u0007").put("reason", HOSTILE);

    assertThat(SuppressionView.auditLine(h)).doesNotContainPattern(CONTROLS)
        .isEqualTo(T + "  suppression.remove by User:bob (OS user bob): 550 5.1.1 all goodclick redevil");
  }
}
