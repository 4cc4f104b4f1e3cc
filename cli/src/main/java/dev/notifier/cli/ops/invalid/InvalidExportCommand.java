package dev.notifier.cli.ops.invalid;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notifier.cli.ops.Json;
import dev.notifier.cli.ops.OutputFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Base64;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code notifier invalid export}: the matching invalid events whole, one JSON object a line, for the upstream's
 * developers: the value as published ({@code text} when it is UTF-8, else {@code base64}), the headers the same way,
 * the key, the publication time and the error. Written as read: nothing is held, however many there are.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export the invalid events that match the filter as JSON Lines, each whole: key, publication time, "
        + "error and detail, headers, and the value as text (UTF-8) or base64.")
public final class InvalidExportCommand extends InvalidQuery {

  @Option(names = "--output", paramLabel = "FILE", description = "write to FILE instead of standard output")
  Path output;

  @Override
  protected int run() throws IOException {
    InvalidFilter filter = filterOptions.filter(clock.instant());
    if (output == null) {
      write(filter, out());
      out().flush();
      return 0;
    }
    int written;
    try (PrintWriter file = OutputFile.open(output)) {
      written = write(filter, file);
    }
    out().println("exported " + written + " invalid event(s) to " + output);
    out().flush();
    return 0;
  }

  private int write(InvalidFilter filter, PrintWriter out) {
    int[] written = {0};
    InvalidEvent.forEach(topicReader(), kafka.topics(), e -> {
      if (filter.matches(e)) {
        out.println(Json.line(json(e)));
        written[0]++;
      }
    });
    return written[0];
  }

  static ObjectNode json(InvalidEvent e) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("at", e.position());
    node.put("publishedAt", e.publishedAt().toString());
    node.put("key", e.key());
    node.put("error", e.error());
    node.put("detail", e.message());
    node.put("republished", e.republished());
    ArrayNode headers = node.putArray("headers");
    for (Header h : e.headers()) {
      bytes(headers.addObject().put("name", h.key()), h.value() == null ? new byte[0] : h.value());
    }
    node.put("bytes", e.value().length);
    bytes(node, e.value());
    return node;
  }

  /** {@code text} when the bytes are UTF-8, else {@code base64}. */
  private static void bytes(ObjectNode node, byte[] value) {
    String text = InvalidEvent.utf8(value);
    if (text != null) {
      node.put("text", text);
    } else {
      node.put("base64", Base64.getEncoder().encodeToString(value));
    }
  }
}
