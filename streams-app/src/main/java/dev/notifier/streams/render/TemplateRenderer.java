package dev.notifier.streams.render;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Party;
import dev.notifier.avro.Subject;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.streams.policy.ClosedDigest;
import dev.notifier.streams.render.RenderContext.LocaleResources;
import dev.notifier.streams.render.StrictObjectHandler.MissingVariableException;
import dev.notifier.streams.render.TemplateFiles.Source;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a notification from mustache templates chosen by the rule's template id and the
 * recipient's locale.
 *
 * <h2>Layout</h2>
 * {@code templates/<templateId>/<locale>/subject.mustache}, {@code text.mustache} and, optionally,
 * {@code html.mustache} (without it the email is plain text). Shared per-locale texts live in
 * {@code templates/_messages/<locale>.properties} (UTF-8): {@code action.<event type>} (with an
 * optional {@code action.<event type>.<role kind>} such as "assigned to you" for the assignee),
 * {@code role.<role kind>} (with an optional {@code role.<event type>.<role kind>}),
 * {@code kind.<subject kind>}, {@code source.<source>} and
 * {@code format.occurredAt} (a {@link java.time.format.DateTimeFormatter} pattern). The shipped set
 * is read from the classpath; {@link #directory} lays an operator's directory over it, a locale
 * directory there replacing the shipped one and bundle keys overriding one by one.
 *
 * <h2>Locale</h2>
 * The recipient's locale is normalized ({@code zh_CN}, {@code ZH-cn} → {@code zh-CN}) and tried
 * exactly, then by language ({@code zh}); a bare language also finds the template's single regional
 * variant ({@code zh} → {@code zh-CN}); then the renderer's default locale. The bundle follows the
 * locale the template was found in, so a mail never mixes languages.
 *
 * <h2>Context</h2>
 * <ul>
 *   <li>{@code event.eventId}, {@code event.type}, {@code event.source}, {@code event.team}</li>
 *   <li>{@code subject.kind}, {@code subject.id}, {@code subject.title}, {@code subject.url}
 *       (null unless an http or https URL)</li>
 *   <li>{@code actor.userId}, {@code actor.name}, {@code actor.email}, {@code actor.display}
 *       (name, else user id, else email; all null when the event has no actor)</li>
 *   <li>{@code recipient.userId}, {@code recipient.name}, {@code recipient.email},
 *       {@code recipient.role}, {@code recipient.display} (name, else email, else user id)</li>
 *   <li>{@code action}: the localized phrase for the event type, else the type itself</li>
 *   <li>{@code roleText}: why the recipient gets this mail, localized</li>
 *   <li>{@code occurredAt}: formatted in the recipient's time zone (UTC when unknown)</li>
 *   <li>{@code attributes}: the event's attributes, e.g. {@code {{#attributes.severity}}Severity:
 *       {{attributes.severity}}{{/attributes.severity}}}</li>
 *   <li>{@code sourceName} (e.g. "ZenTao", "禅道") and {@code kindName} (e.g. "Bug", "需求"):
 *       localized labels of the source and subject kind</li>
 * </ul>
 * Keys are always present, possibly null: {@code {{#subject.url}}…{{/subject.url}}} renders nothing
 * for a null url. A name not in this list is an error ({@code missing-variable}), never an empty
 * hole in a mail; see {@link StrictObjectHandler}.
 *
 * <h2>Escaping</h2>
 * {@code html.mustache} HTML-escapes {@code {{var}}}; subject and text are written raw (they are not
 * HTML). The subject is then made one header-safe line: every control character, CR and LF among
 * them, becomes a space.
 *
 * <p>Every template is compiled once, when the renderer is built; a template that does not compile
 * fails construction. Call {@link #validate()} at start-up to also render each one against sample
 * data. Instances are immutable and safe to share between stream threads.
 */
public final class TemplateRenderer implements Renderer {

  private static final Pattern HEADER_UNSAFE = Pattern.compile("[\\p{Cc}\\p{Zl}\\p{Zp}]");

  /** Template ids starting with this are digest templates. */
  public static final String DIGEST_PREFIX = "digest";

  /** The default locale when none is given. */
  public static final String DEFAULT_LOCALE = "en";
  /** Locale strings come from the directory; past this many distinct pairs resolution is not cached. */
  private static final int MAX_RESOLVED = 10_000;

  private final String defaultLocale;
  private final Map<String, Map<String, Compiled>> templates;
  private final Map<String, Map<String, String>> messages;
  private final Map<String, LocaleResources> resources = new ConcurrentHashMap<>();
  /** Resolved (template id, recipient locale) pairs: the locale chain is worked out once per pair. */
  private final Map<String, Compiled> resolved = new ConcurrentHashMap<>();

  /** One locale of one template, compiled. {@code html} may be null. */
  private record Compiled(String templateId, String locale, Part subject, Part text, Part html) {
  }

  private record Part(String file, Mustache mustache) {
  }

  private TemplateRenderer(TemplateFiles files, String defaultLocale) {
    String normalized = Locales.normalize(defaultLocale == null ? DEFAULT_LOCALE : defaultLocale);
    if (normalized == null) {
      throw new IllegalArgumentException("default locale '" + defaultLocale
          + "' is not a BCP 47 tag; use e.g. en or zh-CN");
    }
    this.defaultLocale = normalized;
    this.messages = files.messages();
    this.templates = compile(files);
  }

  /** The templates shipped with the app, falling back to {@code defaultLocale} (null: "en"). */
  public static TemplateRenderer classpath(String defaultLocale) {
    return new TemplateRenderer(TemplateFiles.classpath(), defaultLocale);
  }

  /** {@link #classpath(String)} with the default locale "en". */
  public static TemplateRenderer classpath() {
    return classpath(DEFAULT_LOCALE);
  }

  /** The shipped templates with those in {@code dir} laid over them (see the class comment). */
  public static TemplateRenderer directory(Path dir, String defaultLocale) {
    return new TemplateRenderer(TemplateFiles.classpath().overlay(TemplateFiles.directory(dir)), defaultLocale);
  }

  /** The template ids this renderer knows, sorted. */
  public Set<String> templateIds() {
    return Collections.unmodifiableSet(templates.keySet());
  }

  /** The locales a template exists in, sorted; empty for an unknown id. */
  public Set<String> locales(String templateId) {
    return Collections.unmodifiableSet(templates.getOrDefault(templateId, Map.of()).keySet());
  }

  @Override
  public Rendered renderDigest(ClosedDigest digest) {
    Compiled template = resolve(digest.template(), digest.latest().getLocale());
    return render(template, DigestContext.of(digest, resources(template.locale())));
  }

  /** Whether {@code templateId} names a digest template (rendered with the digest context). */
  public static boolean isDigestTemplate(String templateId) {
    return templateId.startsWith(DIGEST_PREFIX);
  }

  @Override
  public Rendered render(Candidate candidate) {
    Compiled template = resolve(candidate.getTemplate(), candidate.getLocale());
    return render(template, RenderContext.of(candidate, resources(template.locale())));
  }

  /**
   * Renders every locale of every template against sample data, once with every optional value set
   * (and every attribute present) and once with every optional value null (and no attributes).
   *
   * @throws RenderException naming the template file, on the first template that fails
   */
  public void validate() {
    for (Map<String, Compiled> locales : templates.values()) {
      for (Compiled template : locales.values()) {
        LocaleResources res = resources(template.locale());
        if (isDigestTemplate(template.templateId())) {
          render(template, DigestContext.of(sampleDigest(template.templateId(), 12), res));
          render(template, DigestContext.of(sampleDigest(template.templateId(), 1), res));
          continue;
        }
        Map<String, Object> full = RenderContext.of(sample(template.templateId(), true), res);
        full.put("attributes", new AnyAttributes());
        render(template, full);
        render(template, RenderContext.of(sample(template.templateId(), false), res));
      }
    }
  }

  private Compiled resolve(String templateId, String recipientLocale) {
    String key = templateId + '\n' + recipientLocale;
    Compiled cached = resolved.get(key);
    if (cached != null) {
      return cached;
    }
    Compiled found = lookup(templateId, recipientLocale);
    if (resolved.size() < MAX_RESOLVED) {
      resolved.put(key, found);
    }
    return found;
  }

  private Compiled lookup(String templateId, String recipientLocale) {
    Map<String, Compiled> locales = templates.getOrDefault(templateId, Map.of());
    List<String> tried = Locales.chain(recipientLocale, defaultLocale, locales.keySet());
    for (String locale : tried) {
      Compiled template = locales.get(locale);
      if (template != null) {
        return template;
      }
    }
    throw new RenderException("no-template", "no template '" + templateId + "' for locale "
        + (recipientLocale == null ? "(none)" : "'" + recipientLocale + "'") + "; tried " + tried
        + (locales.isEmpty() ? "; known template ids: " + templates.keySet()
            : "; it exists in " + locales.keySet())
        + ". Add templates/" + templateId + "/" + defaultLocale + "/ or fix the rule's template id");
  }

  /**
   * Replaces every control character (CR and LF among them, and the C1 controls such as NEL) and
   * the Unicode line and paragraph separators with a space, so the value is one header line.
   */
  static String headerSafe(String value) {
    // almost every subject is clean once stripped: a scan of its chars costs far less than the regex replace.
    // Strip first: a subject template ends with a newline, which would otherwise send every subject through
    // the regex. The result is the same: what strip removes is whitespace the replace would turn into spaces
    // (or leave) and strip afterwards.
    String stripped = value.strip();
    for (int i = 0; i < stripped.length(); i++) {
      if (headerUnsafe(stripped.charAt(i))) {
        return HEADER_UNSAFE.matcher(stripped).replaceAll(" ").strip();
      }
    }
    return stripped;
  }

  /** The chars {@link #HEADER_UNSAFE} matches (all in the BMP): Cc, Zl, Zp. */
  private static boolean headerUnsafe(char c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static Rendered render(Compiled template, Map<String, Object> context) {
    String subject = headerSafe(run(template.subject(), context));
    String text = run(template.text(), context);
    String html = template.html() == null ? null : run(template.html(), context);
    if (subject.isEmpty() || text.isBlank()) {
      throw new RenderException("empty-output", (subject.isEmpty() ? template.subject() : template.text()).file()
          + " rendered blank; a template must always produce text");
    }
    return new Rendered(subject, text, html);
  }

  private static String run(Part part, Map<String, Object> context) {
    try {
      return part.mustache().execute(new TextWriter(), context).toString();
    } catch (MustacheException e) {
      MissingVariableException missing = missingVariable(e);
      if (missing != null) {
        throw new RenderException("missing-variable", part.file() + " line " + missing.line()
            + " references {{" + missing.name() + "}}, which is not in the render context; "
            + "fix the spelling (the names are listed in TemplateRenderer's documentation)", e);
      }
      throw new RenderException("render-failed", part.file() + " failed to render: " + e.getMessage(), e);
    }
  }

  private static MissingVariableException missingVariable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MissingVariableException missing) {
        return missing;
      }
    }
    return null;
  }

  private LocaleResources resources(String locale) {
    return resources.computeIfAbsent(locale, this::loadResources);
  }

  /** The bundle of {@code locale} over its language's over the default locale's (and language's). */
  private LocaleResources loadResources(String locale) {
    Map<String, String> merged = new HashMap<>();
    List<String> chain = Locales.chain(locale, defaultLocale, messages.keySet());
    for (int i = chain.size() - 1; i >= 0; i--) {
      merged.putAll(messages.getOrDefault(chain.get(i), Map.of()));
    }
    return LocaleResources.of(locale, merged);
  }

  private static Map<String, Map<String, Compiled>> compile(TemplateFiles files) {
    DefaultMustacheFactory html = factory(false);
    DefaultMustacheFactory raw = factory(true);
    Map<String, Map<String, Compiled>> compiled = new TreeMap<>();
    files.templates().forEach((id, locales) -> {
      Map<String, Compiled> byLocale = new TreeMap<>();
      locales.forEach((locale, parts) -> byLocale.put(locale, new Compiled(id, locale,
          part(raw, parts.get("subject"), id, locale, "subject"),
          part(raw, parts.get("text"), id, locale, "text"),
          parts.containsKey("html") ? part(html, parts.get("html"), id, locale, "html") : null)));
      compiled.put(id, Collections.unmodifiableMap(byLocale));
    });
    return Collections.unmodifiableMap(compiled);
  }

  private static Part part(DefaultMustacheFactory factory, Source source, String id, String locale, String part) {
    if (source == null) {
      throw new RenderException("bad-template", "templates/" + id + "/" + locale + "/ has no " + part
          + ".mustache; subject.mustache and text.mustache are required in every locale directory");
    }
    try {
      return new Part(source.name(), factory.compile(new StringReader(source.text()), source.name()));
    } catch (MustacheException e) {
      throw new RenderException("bad-template", source.name() + " does not compile: " + e.getMessage(), e);
    }
  }

  /** A factory with the strict handler; {@code raw} writes values unescaped (subject and text). */
  private static DefaultMustacheFactory factory(boolean raw) {
    DefaultMustacheFactory factory = raw ? new RawMustacheFactory() : new DefaultMustacheFactory();
    factory.setObjectHandler(new StrictObjectHandler());
    return factory;
  }

  /**
   * The writer a template renders into: a {@link StringWriter} without its lock (a {@code StringBuffer}) and
   * sized for a mail body, so that rendering does not copy the text over as it grows.
   */
  private static final class TextWriter extends Writer {
    private final StringBuilder out = new StringBuilder(1024);

    @Override
    public void write(int c) {
      out.append((char) c);
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      out.append(chars, offset, length);
    }

    @Override
    public void write(String s) {
      out.append(s);
    }

    @Override
    public void write(String s, int offset, int length) {
      out.append(s, offset, offset + length);
    }

    @Override
    public Writer append(CharSequence s) {
      out.append(s);
      return this;
    }

    @Override
    public Writer append(CharSequence s, int start, int end) {
      out.append(s, start, end);
      return this;
    }

    @Override
    public Writer append(char c) {
      out.append(c);
      return this;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
      return out.toString();
    }
  }

  /** For plain-text parts: mustache's default HTML escaping would show "&amp;" in a subject. */
  private static final class RawMustacheFactory extends DefaultMustacheFactory {
    @Override
    public void encode(String value, Writer writer) {
      try {
        writer.write(value);
      } catch (java.io.IOException e) {
        throw new MustacheException("failed to write a value", e);
      }
    }
  }

  /** Sample attributes for {@link #validate()}: every key a template asks about is present. */
  private static final class AnyAttributes extends AbstractMap<String, Object> {
    @Override
    public boolean containsKey(Object key) {
      return true;
    }

    @Override
    public Object get(Object key) {
      return "sample " + key;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return Set.of();
    }
  }

  /** A digest of {@code size} sample items on two subjects. */
  private static ClosedDigest sampleDigest(String templateId, int size) {
    List<Candidate> items = new java.util.ArrayList<>();
    for (int i = 0; i < size; i++) {
      items.add(sample(i % 3 == 0 ? "task" : "bug", i % 2 == 0));
    }
    return new ClosedDigest("sample-digest", "digest:sample", "digest", items, Instant.EPOCH, Instant.EPOCH,
        templateId, dev.notifier.avro.Priority.NORMAL, null, java.time.ZoneOffset.UTC);
  }

  /** Every field set explicitly: Avro resolves record defaults through a class allow-list. */
  private static Candidate sample(String templateId, boolean full) {
    Party actor = Party.newBuilder().setUserId("sample-actor").setName(full ? "Sample Actor" : null).build();
    DomainEvent event = DomainEvent.newBuilder()
        .setEventId("sample-event").setType(templateId + ".sampled").setSource("zentao")
        .setTeam(full ? "sample-team" : null).setOccurredAt(Instant.EPOCH)
        .setActor(full ? actor : null).setOwner(null).setTo(List.of()).setCc(List.of()).setAttributes(Map.of())
        .setSubject(Subject.newBuilder().setKind(templateId).setId("1").setTitle("Sample title")
            .setUrl(full ? "https://example.com/1" : null).build())
        .build();
    return Candidate.newBuilder().setEvent(event).setRole(full ? "group:sample" : "to")
        .setUserId("sample-user").setEmail("sample@example.com").setName(full ? "Sample User" : null)
        .setLocale(null).setTimeZone(full ? "Asia/Shanghai" : null).setTemplate(templateId).setPreferences(null)
        .build();
  }
}
