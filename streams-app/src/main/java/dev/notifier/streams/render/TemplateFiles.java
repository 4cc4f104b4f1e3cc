package dev.notifier.streams.render;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The template sources, read into memory once: {@code <root>/<templateId>/<locale>/<part>.mustache}
 * and {@code <root>/_messages/<locale>.properties} (UTF-8). Names starting with {@code _} are not
 * template ids. Locale directory and bundle names are normalized ({@code zh_CN} → {@code zh-CN}).
 *
 * @param templates template id → locale → part ({@code subject}, {@code text}, {@code html}) → source
 * @param messages locale → key → text
 */
record TemplateFiles(Map<String, Map<String, Map<String, Source>>> templates,
                     Map<String, Map<String, String>> messages) {

  static final String ROOT = "templates";
  static final String MESSAGES = "_messages";

  /** One template file: where it came from (for error messages) and its text. */
  record Source(String name, String text) {
  }

  /** The templates shipped in the jar (or in target/classes when run from an IDE or a test). */
  static TemplateFiles classpath() {
    URL url = TemplateFiles.class.getResource("/" + ROOT + "/" + MESSAGES);
    if (url == null) {
      throw new IllegalStateException("no /" + ROOT + "/" + MESSAGES + " on the classpath: the "
          + "notifier-streams jar is incomplete; rebuild it");
    }
    try {
      URI uri = url.toURI();
      if (!"jar".equals(uri.getScheme())) {
        return read(Path.of(uri).getParent(), "classpath:" + ROOT);
      }
      try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
        return read(jar.getPath("/" + ROOT), "classpath:" + ROOT);
      } catch (FileSystemAlreadyExistsException e) {
        // someone else has the jar open as a file system: read through theirs, leave it open
        return read(FileSystems.getFileSystem(uri).getPath("/" + ROOT), "classpath:" + ROOT);
      }
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot read the templates shipped in " + url + ": " + e, e);
    }
  }

  /** Templates from an operator's directory, named in error messages by their path. */
  static TemplateFiles directory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("template directory " + dir.toAbsolutePath()
          + " does not exist or is not a directory; point it at a directory laid out as "
          + "<templateId>/<locale>/subject.mustache");
    }
    return read(dir, dir.toString());
  }

  /**
   * These templates with {@code overrides} on top: a locale directory of a template in the
   * overrides replaces the same locale directory here as a whole; bundle keys override one by one.
   */
  TemplateFiles overlay(TemplateFiles overrides) {
    Map<String, Map<String, Map<String, Source>>> t = new TreeMap<>();
    templates.forEach((id, locales) -> t.put(id, new TreeMap<>(locales)));
    overrides.templates.forEach((id, locales) -> t.computeIfAbsent(id, k -> new TreeMap<>()).putAll(locales));
    Map<String, Map<String, String>> m = new TreeMap<>();
    messages.forEach((locale, bundle) -> m.put(locale, new HashMap<>(bundle)));
    overrides.messages.forEach((locale, bundle) -> m.computeIfAbsent(locale, k -> new HashMap<>()).putAll(bundle));
    return new TemplateFiles(t, m);
  }

  private static TemplateFiles read(Path root, String label) {
    Map<String, Map<String, Map<String, Source>>> templates = new TreeMap<>();
    try (Stream<Path> ids = Files.list(root)) {
      for (Path id : ids.filter(Files::isDirectory).toList()) {
        String name = fileName(id);
        if (!name.startsWith("_")) {
          templates.put(name, readLocales(id, label + "/" + name));
        }
      }
      return new TemplateFiles(templates, readMessages(root.resolve(MESSAGES)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read templates under " + label + ": " + e, e);
    }
  }

  private static Map<String, Map<String, Source>> readLocales(Path id, String label) throws IOException {
    Map<String, Map<String, Source>> locales = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(id)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        String locale = Locales.normalize(fileName(dir));
        if (locale != null) {
          locales.put(locale, readParts(dir, label + "/" + fileName(dir)));
        }
      }
    }
    return locales;
  }

  private static Map<String, Source> readParts(Path dir, String label) throws IOException {
    Map<String, Source> parts = new TreeMap<>();
    for (String part : new String[] {"subject", "text", "html"}) {
      Path file = dir.resolve(part + ".mustache");
      if (Files.isRegularFile(file)) {
        parts.put(part, new Source(label + "/" + part + ".mustache", Files.readString(file, StandardCharsets.UTF_8)));
      }
    }
    return parts;
  }

  private static Map<String, Map<String, String>> readMessages(Path dir) throws IOException {
    Map<String, Map<String, String>> messages = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return messages;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> fileName(f).endsWith(".properties")).toList()) {
        String locale = Locales.normalize(fileName(file).replaceFirst("\\.properties$", ""));
        if (locale != null) {
          messages.put(locale, readProperties(file));
        }
      }
    }
    return messages;
  }

  private static Map<String, String> readProperties(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    Map<String, String> bundle = new HashMap<>();
    properties.stringPropertyNames().forEach(k -> bundle.put(k, properties.getProperty(k)));
    return bundle;
  }

  /** The last name of a path; jar paths of directories may end with "/". */
  private static String fileName(Path path) {
    return path.getFileName().toString().replace("/", "");
  }
}
