package dev.notifier.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

  @Test
  void escapeSequencesAndControlsAreRemovedAndPrintableTextKept() {
    assertThat(TerminalText.clean("\u001b[31mred\u001b[0m")).isEqualTo("red");
    assertThat(TerminalText.clean("a\u001b]0;title\u0007b")).isEqualTo("ab");
    assertThat(TerminalText.clean("a\u001bPq#0;2;0;0;0\u001b\\b")).isEqualTo("ab");
    assertThat(TerminalText.clean("a\u001bcb")).as("RIS, a full reset").isEqualTo("ab");
    assertThat(TerminalText.clean("a\u001b[")).as("a cut sequence").isEqualTo("a");
    assertThat(TerminalText.clean("a\bb\u0007c\u0000")).isEqualTo("abc");
    assertThat(TerminalText.clean("line\r\nnext\tcol")).isEqualTo("line next col");
    assertThat(TerminalText.clean("pay \u202Egnp.exe")).isEqualTo("pay gnp.exe");
    assertThat(TerminalText.clean("550 5.1.1 <bob@example.com>: 用户不存在 — ünknown")).isEqualTo(
        "550 5.1.1 <bob@example.com>: 用户不存在 — ünknown");
    assertThat(TerminalText.clean(null)).isNull();
  }

  @Test
  void aTableMeasuresAndPrintsTheCleanedCells() {
    StringWriter out = new StringWriter();
    new TextTable(List.of("a", "b")).row(List.of("\u001b[2Jx", "y")).print(new PrintWriter(out));

    assertThat(out.toString().lines().toList()).containsExactly("a  b", "x  y");
  }
}
