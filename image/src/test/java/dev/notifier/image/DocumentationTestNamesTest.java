package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every guarantee the documentation states names the test that proves it: each test class it names ({@code
 * FailoverReliabilityTest}) exists, and each test method ({@code DemoIntegrationTest.theDemoReports…}, a name
 * shortened with an ellipsis standing for any ending) is declared in that class. A renamed or deleted test otherwise
 * leaves the README pointing at nothing.
 */
class DocumentationTestNamesTest {

  /** A test class, then perhaps a method: {@code Name.method}, or {@code Name.meth…} for any method so beginning. */
  private static final Pattern NAMED = Pattern.compile(
      "(?<![…*\\w])([A-Z][A-Za-z0-9]*Test)\\b(?:\\.([a-z][A-Za-z0-9_]*)(…)?)?");

  @Test
  void everyTestTheDocumentationNamesExists() throws IOException {
    Map<String, String> sources = testSources();
    List<String> missing = new ArrayList<>();
    for (Path doc : DocumentationLinksTest.documents()) {
      missing(Files.readString(doc), sources).forEach(m -> missing.add(DocumentationLinksTest.REPO.relativize(doc)
          + ": " + m));
    }
    assertThat(sources).as("the test classes found").hasSizeGreaterThan(100);
    assertThat(missing).as("tests the documentation names that do not exist").isEmpty();
  }

  @Test
  void aRenamedClassOrMethodIsCaught() {
    Map<String, String> sources = Map.of("DemoIntegrationTest",
        "class DemoIntegrationTest {\n  @Test\n  void theDemoReportsEveryOutcome() {}\n}");
    String doc = "Proved by `DemoIntegrationTest.theDemoReports…`, `DemoIntegrationTest.theDemoReportsEveryOutcome`"
        + " and the `Apicurio…IntegrationTest` classes; see `DemoIntegrationTest.java`. Not by `GoneTest`, "
        + "`DemoIntegrationTest.renamedAway` or `DemoIntegrationTest.gone…`.";
    assertThat(missing(doc, sources)).containsExactly("GoneTest", "DemoIntegrationTest.renamedAway",
        "DemoIntegrationTest.gone…");
  }

  /** The names in {@code doc} with no such test class, or no such method in it. */
  static List<String> missing(String doc, Map<String, String> sources) {
    List<String> missing = new ArrayList<>();
    Matcher m = NAMED.matcher(doc);
    while (m.find()) {
      String type = m.group(1);
      String method = m.group(2);
      String source = sources.get(type);
      if (source == null) {
        missing.add(type);
      } else if (method != null && !method.equals("java")) {
        boolean prefix = m.group(3) != null;
        Pattern declared = Pattern.compile("\\bvoid\\s+" + Pattern.quote(method) + (prefix ? "\\w*" : "") + "\\s*\\(");
        if (!declared.matcher(source).find()) {
          missing.add(type + "." + method + (prefix ? "…" : ""));
        }
      }
    }
    return missing;
  }

  /** Each test class of the repository, by simple name: its source. */
  private static Map<String, String> testSources() throws IOException {
    Map<String, String> sources = new HashMap<>();
    try (Stream<Path> files = Files.walk(DocumentationLinksTest.REPO)) {
      files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/test/java/"))
          .forEach(f -> sources.merge(f.getFileName().toString().replace(".java", ""), read(f), String::concat));
    }
    return sources;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
