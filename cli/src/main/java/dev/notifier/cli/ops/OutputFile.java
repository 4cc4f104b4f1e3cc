package dev.notifier.cli.ops;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The file an export writes ({@code --output FILE}), in UTF-8. */
public final class OutputFile {

  private OutputFile() {
  }

  /** A writer on {@code output}, whose folder must exist; the caller closes it. */
  public static PrintWriter open(Path output) throws IOException {
    Path parent = output.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new OpsException("--output " + output + ": folder " + parent + " does not exist; create it or pick "
          + "another file");
    }
    return new PrintWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8));
  }
}
