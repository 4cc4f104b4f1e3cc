package dev.notifier.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Both languages say everything: every text a template uses exists in en and zh-CN, and neither has a
 * key the other lacks.
 */
class ViewsTest {

  private static final Pattern TEXT = Pattern.compile("\\{\\{t\\.([\\w.]+)}}");

  @Test
  void everyTextOfEveryTemplateExistsInBothLanguages() throws IOException {
    Properties en = messages("en");
    Properties zh = messages("zh-CN");
    assertThat(zh.stringPropertyNames()).isEqualTo(en.stringPropertyNames());
    Set<String> used = new TreeSet<>();
    try (Stream<Path> templates = Files.list(Path.of("src/main/resources/console/templates"))) {
      for (Path t : templates.toList()) {
        Matcher m = TEXT.matcher(Files.readString(t));
        while (m.find()) {
          used.add(m.group(1));
        }
      }
    }
    assertThat(used).hasSizeGreaterThan(40);
    assertThat(en.stringPropertyNames()).containsAll(used);
    assertThat(new Views().text("zh-CN", "dl.matched", 3)).isEqualTo("共 3 条死信符合条件");
    assertThat(Views.language(null, "zh-CN,zh;q=0.9,en;q=0.8")).isEqualTo("zh-CN");
    assertThat(Views.language("en", "zh-CN")).as("the page's own choice wins").isEqualTo("en");
  }

  private static Properties messages(String lang) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Views.class.getResourceAsStream("/console/messages/" + lang + ".properties")) {
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return p;
  }
}
