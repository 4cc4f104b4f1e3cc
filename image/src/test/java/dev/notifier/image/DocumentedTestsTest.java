package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every guarantee the READMEs and docs state names the test that proves it: each test they name ({@code
 * `SomethingTest`}, {@code `SomethingTest.aMethod`}, {@code `SomethingTest.…partOfAMethod…`}) must exist, so a test
 * renamed or removed cannot leave a promise pointing at nothing.
 */
class DocumentedTestsTest {

  private static final Pattern NAMED = Pattern.compile("`([A-Z][A-Za-z0-9]*Test)(?:\\.([a-zA-Z0-9…]+))?`");

  @Test
  void everyTestTheDocumentationNamesExistsWithTheMethodItNames() throws IOException {
    Map<String, Path> tests;
    try (Stream<Path> files = Files.walk(DocumentationLinksTest.REPO)) {
      tests = files.filter(f -> f.toString().contains("/src/test/java/") && f.toString().endsWith("Test.java"))
          .collect(Collectors.toMap(f -> f.getFileName().toString().replace(".java", ""), Function.identity(),
              (a, b) -> a));
    }
    List<String> missing = new ArrayList<>();
    int named = 0;
    for (Path doc : DocumentationLinksTest.documents()) {
      Matcher m = NAMED.matcher(Files.readString(doc));
      while (m.find()) {
        named++;
        String where = DocumentationLinksTest.REPO.relativize(doc) + ": " + m.group(0);
        Path test = tests.get(m.group(1));
        if (test == null) {
          missing.add(where + " (no such test class)");
        } else if (m.group(2) != null && !hasMethod(Files.readString(test), m.group(2))) {
          missing.add(where + " (no such method in " + DocumentationLinksTest.REPO.relativize(test) + ")");
        }
      }
    }
    assertThat(named).as("tests named by the documentation").isGreaterThan(100);
    assertThat(missing).as("tests the documentation names that do not exist").isEmpty();
  }

  /** Whether {@code source} declares a method named {@code name}, or containing each part of a name cut with … */
  private static boolean hasMethod(String source, String name) {
    Matcher declared = Pattern.compile("void (\\w+)\\(").matcher(source);
    List<String> parts = Stream.of(name.split("…")).filter(p -> !p.isEmpty()).toList();
    while (declared.find()) {
      String method = declared.group(1);
      if (name.contains("…") ? parts.stream().allMatch(method::contains) : method.equals(name)) {
        return true;
      }
    }
    return false;
  }
}
