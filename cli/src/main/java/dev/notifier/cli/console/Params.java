package dev.notifier.cli.console;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The parameters of a request: its query string and, for a form POST, its body. */
final class Params {

  /** The largest form body read: a filter, a reason and a token are a few hundred bytes. */
  static final int MAX_BODY = 64 * 1024;

  private final Map<String, List<String>> values = new LinkedHashMap<>();

  static Params parse(String... encoded) {
    Params p = new Params();
    for (String e : encoded) {
      if (e == null || e.isEmpty()) {
        continue;
      }
      for (String pair : e.split("&")) {
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        p.values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      }
    }
    return p;
  }

  /** The first non-blank value of {@code name}, stripped; null when absent or blank. */
  String get(String name) {
    List<String> v = values.get(name);
    if (v == null) {
      return null;
    }
    return v.stream().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse(null);
  }

  /** Every value of {@code name}, each split at commas, blanks dropped. */
  Set<String> set(String name) {
    List<String> v = values.getOrDefault(name, List.of());
    return v.stream().flatMap(s -> java.util.Arrays.stream(s.split(","))).map(String::strip)
        .filter(s -> !s.isEmpty()).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  int integer(String name, int otherwise) {
    String v = get(name);
    try {
      return v == null ? otherwise : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
