package dev.notifier.streams.render;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Locale tags as the renderer uses them: BCP 47 with a hyphen ({@code zh_CN}, {@code ZH-cn} and
 * {@code zh-CN} are all {@code zh-CN}), and the order in which locales are tried.
 */
final class Locales {

  private Locales() {
  }

  /** The normalized tag, or null for null, blank or unparseable input. */
  static String normalize(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String tag = Locale.forLanguageTag(raw.strip().replace('_', '-')).toLanguageTag();
    return "und".equals(tag) ? null : tag;
  }

  /**
   * The locales to try for a recipient, best first: the exact tag ({@code zh-Hant-TW}), the tag
   * without its script ({@code zh-TW}), the language ({@code zh}); then, for a bare language
   * ({@code zh}) only, the single regional variant the template has ({@code zh-CN}), so that a
   * recipient who wrote "zh" reads Chinese rather than the default; finally the default locale and
   * its language.
   */
  static List<String> chain(String requested, String defaultLocale, Collection<String> available) {
    Set<String> chain = new LinkedHashSet<>();
    String tag = normalize(requested);
    if (tag != null) {
      Locale locale = Locale.forLanguageTag(tag);
      chain.add(tag);
      if (!locale.getScript().isEmpty() && !locale.getCountry().isEmpty()) {
        chain.add(locale.getLanguage() + "-" + locale.getCountry());
      }
      chain.add(locale.getLanguage());
      if (tag.equals(locale.getLanguage())) {
        soleVariant(tag, available).ifPresent(chain::add);
      }
    }
    chain.add(defaultLocale);
    chain.add(Locale.forLanguageTag(defaultLocale).getLanguage());
    return new ArrayList<>(chain);
  }

  private static Optional<String> soleVariant(String language, Collection<String> available) {
    List<String> variants = available.stream().filter(t -> t.startsWith(language + "-")).toList();
    return variants.size() == 1 ? Optional.of(variants.get(0)) : Optional.empty();
  }
}
