package dev.notifier.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON output of the operator tools, printed on a terminal: no control character of a server's reaches it raw. */
class JsonTest {

  /** ESC and 8-bit CSI sequences, an OSC title, DEL, a right-to-left override; and text that must stay as it is. */
  private static final String HOSTILE = "550 \u001b[2J\u009b31mred\u009d0;owned\u0007\u007f\u202Eevil 退信 é";

  @Test
  void controlCharactersOfEveryKindAreEscapedAndReadBackUnchanged() throws Exception {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("replyText", HOSTILE);

    for (String json : new String[] {Json.line(value), Json.pretty(value)}) {
      assertThat(json).doesNotContainPattern("[\\x00-\\x09\\x0B-\\x1F\\x7F\\x{80}-\\x{9F}\\x{200E}\\x{200F}"
          + "\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]");
      assertThat(json).contains("\\u001B[2J", "\\u009B31mred", "\\u009D0;owned", "\\u007F", "\\u202Eevil", "退信 é");
      assertThat(Json.mapper().readTree(json).path("replyText").asText()).isEqualTo(HOSTILE);
    }
  }
}
