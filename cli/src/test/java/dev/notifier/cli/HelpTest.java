package dev.notifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code --help} works on every command, at every level: exit 0, the usage on standard output,
 * nothing on standard error, even where an option is otherwise required. The commands are read from
 * picocli's tree, so a command added later is covered without touching this test.
 */
class HelpTest {

  /** Every command's name as typed after {@code notifier}: "", "demo", ..., "dlt stats", ... */
  static Stream<String> commands() {
    List<String> names = new ArrayList<>();
    collect(new CommandLine(new NotifierCommand()), names);
    return names.stream();
  }

  private static void collect(CommandLine command, List<String> names) {
    names.add(command.getCommandSpec().qualifiedName(" ").replaceFirst("^notifier ?", ""));
    command.getSubcommands().values().forEach(sub -> collect(sub, names));
  }

  @ParameterizedTest(name = "notifier {0} --help")
  @MethodSource("commands")
  void helpPrintsTheUsageAndExitsZero(String command) {
    List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit = NotifierCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true),
        args.toArray(String[]::new));

    assertThat(err.toString()).as("standard error").isEmpty();
    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith("Usage: " + ("notifier " + command).strip());
  }

  @Test
  void everyCommandIsCovered() {
    assertThat(commands()).contains("", "demo", "streams", "worker", "publish", "smtp-check", "status", "dlt",
        "dlt replay");
  }
}
