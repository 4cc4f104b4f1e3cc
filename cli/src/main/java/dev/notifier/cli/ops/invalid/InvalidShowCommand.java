package dev.notifier.cli.ops.invalid;

import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.TerminalText;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code notifier invalid show P:O}: one invalid event whole, for the upstream's developer to see what the
 * notifier received and why it refused it. Text is printed line by line, each line made safe for a terminal;
 * anything else as a hex dump.
 */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print one invalid event: its key, publication time, error and detail, headers, and its value "
        + "(text as it was published, made safe for a terminal; anything else as a hex dump).")
public final class InvalidShowCommand extends OpsCommand {

  @Parameters(paramLabel = "PARTITION:OFFSET", description = "where it is on notifier.events.invalid, as the list shows")
  String position;

  @Option(names = "--max-bytes", paramLabel = "N", defaultValue = "65536",
      description = "print at most N bytes of the value (default: ${DEFAULT-VALUE})")
  int maxBytes;

  @Override
  protected int run() {
    List<InvalidEvent> found = InvalidEvent.read(topicReader(), kafka.topics(), InvalidFilter.at(position));
    if (found.isEmpty()) {
      throw new OpsException("no invalid event at " + position + " on " + kafka.topics().invalidEvents().name()
          + ": notifier invalid list shows where they are");
    }
    InvalidEvent e = found.get(0);
    PrintWriter out = out();
    out.println("at           " + e.position() + " on " + kafka.topics().invalidEvents().name());
    out.println("key          " + TerminalText.clean(String.valueOf(e.key())));
    out.println("published    " + e.publishedAt());
    out.println("error        " + e.error());
    out.println("detail       " + TerminalText.clean(e.message() == null ? "-" : e.message()));
    out.println("republished  " + e.republished() + " time(s) before");
    for (Header h : e.headers()) {
      out.println("header       " + TerminalText.clean(h.key()) + ": "
          + TerminalText.clean(h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8)));
    }
    String text = e.text();
    int shown = Math.min(e.value().length, maxBytes);
    out.println("value        " + e.value().length + " bytes, " + (text != null ? "UTF-8 text" : "binary")
        + (shown < e.value().length ? ", the first " + shown + " shown" : "") + ":");
    if (text != null) {
      String cut = new String(e.value(), 0, shown, StandardCharsets.UTF_8);
      cut.lines().forEach(line -> out.println(TerminalText.clean(line)));
    } else {
      e.hexDump(shown).forEach(out::println);
    }
    out.flush();
    return 0;
  }
}
