package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation a newcomer reads links only to files of this repository that exist, or to
 * public pages: never to a path outside the clone (a design note on someone's disk).
 */
class DocumentationLinksTest {

  static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void everyLinkOfTheReadmesAndDocsStaysInTheRepositoryAndResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path doc : documents()) {
      Matcher m = LINK.matcher(Files.readString(doc));
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("https://") || target.startsWith("http://") || target.startsWith("#")
            || target.startsWith("mailto:")) {
          continue;
        }
        Path resolved = doc.getParent().resolve(target.replaceAll("#.*$", "")).normalize();
        if (!resolved.startsWith(REPO) || !Files.exists(resolved)) {
          broken.add(REPO.relativize(doc) + " -> " + target);
        }
      }
    }
    assertThat(broken).as("links leaving the repository or to missing files").isEmpty();
  }

  /** The READMEs and the pages of docs/: what a newcomer reads. */
  static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(REPO.resolve("README.md"), REPO.resolve("deploy/README.md")));
    try (Stream<Path> files = Files.list(REPO.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).forEach(docs::add);
    }
    assertThat(docs).allSatisfy(d -> assertThat(d).exists());
    return docs;
  }
}
