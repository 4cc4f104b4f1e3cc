package dev.notifier.cli.console;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's pages: Mustache templates on the class path ({@code /console/templates}), HTML-escaped
 * by default, and the texts of each language ({@code /console/messages/en|zh-CN.properties}) as a
 * nested map {@code t} ({@code {{t.dl.heading}}}).
 */
final class Views {

  static final List<String> LANGUAGES = List.of("en", "zh-CN");

  private final MustacheFactory mustache = new DefaultMustacheFactory("console/templates");
  private final Map<String, Mustache> compiled = new ConcurrentHashMap<>();
  private final Map<String, Properties> messages = new HashMap<>();
  private final Map<String, Map<String, Object>> nested = new HashMap<>();

  Views() {
    for (String lang : LANGUAGES) {
      Properties p = new Properties();
      try (InputStream in = Views.class.getResourceAsStream("/console/messages/" + lang + ".properties")) {
        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      messages.put(lang, p);
      nested.put(lang, nest(p));
    }
  }

  /** The language of a request: {@code lang} if given and known, else the Accept-Language's first match, else en. */
  static String language(String asked, String acceptLanguage) {
    if (asked != null && LANGUAGES.contains(asked)) {
      return asked;
    }
    if (acceptLanguage != null && acceptLanguage.toLowerCase(Locale.ROOT).startsWith("zh")) {
      return "zh-CN";
    }
    return "en";
  }

  String text(String lang, String key, Object... args) {
    String pattern = messages.get(lang).getProperty(key, messages.get("en").getProperty(key, key));
    return args.length == 0 ? pattern : new MessageFormat(pattern, Locale.ROOT).format(args);
  }

  String render(String template, String lang, Map<String, Object> model) {
    Map<String, Object> scope = new HashMap<>(model);
    scope.put("t", nested.get(lang));
    scope.put("lang", lang);
    StringWriter out = new StringWriter();
    compiled.computeIfAbsent(template, name -> mustache.compile(name + ".mustache")).execute(out, scope);
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> nest(Properties p) {
    Map<String, Object> root = new HashMap<>();
    for (String key : p.stringPropertyNames()) {
      String[] parts = key.split("\\.");
      Map<String, Object> node = root;
      for (int i = 0; i < parts.length - 1; i++) {
        node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new HashMap<String, Object>());
      }
      node.put(parts[parts.length - 1], p.getProperty(key));
    }
    return root;
  }
}
