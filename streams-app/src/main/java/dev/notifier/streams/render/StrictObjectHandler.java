package dev.notifier.streams.render;

import com.github.mustachejava.Binding;
import com.github.mustachejava.Code;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.IterableCode;
import com.github.mustachejava.reflect.AbstractObjectHandler;
import com.github.mustachejava.util.Wrapper;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resolves mustache names against a context made of nested {@link Map}s, strictly: a name whose key
 * is absent is an error ({@link MissingVariableException}), while a key present with a null value
 * is simply null (a section over it renders nothing). mustache.java's default handlers render an
 * unknown name as empty text, which would turn a misspelled {@code {{subjcet.title}}} into an
 * email with a hole in it.
 *
 * <p>The single exception is a section or inverted section over {@code attributes.<key>}: event
 * attributes are open-ended, so {@code {{#attributes.severity}}…{{/attributes.severity}}} is how a
 * template asks whether one is there. A plain {@code {{attributes.severity}}} outside such a section
 * is still strict.
 *
 * <p>No reflection: only maps are looked into, so a template cannot call methods on context values.
 */
final class StrictObjectHandler extends AbstractObjectHandler {

  private static final String OPEN_PREFIX = "attributes.";
  private static final Pattern DOT = Pattern.compile("\\.");
  private static final Object ABSENT = new Object();

  @Override
  public Binding createBinding(String name, TemplateContext tc, Code code) {
    boolean optional = code instanceof IterableCode && name != null && name.startsWith(OPEN_PREFIX);
    String[] path = name == null ? new String[0] : DOT.split(name, -1);
    return scopes -> lookup(name, path, scopes, optional, tc);
  }

  @Override
  public Wrapper find(String name, List<Object> ignored) {
    String[] path = DOT.split(name, -1);
    return scopes -> lookup(name, path, scopes, false, null);
  }

  private static Object lookup(String name, String[] path, List<Object> scopes, boolean optional,
      TemplateContext tc) {
    Object value = first(path[0], scopes);
    for (int i = 1; i < path.length && value != ABSENT && value != null; i++) {
      value = value instanceof Map<?, ?> map ? valueOrAbsent(map, path[i]) : ABSENT;
    }
    if (value != ABSENT) {
      return value;
    }
    if (optional) {
      return null;
    }
    throw new MissingVariableException(name, tc);
  }

  /** The innermost scope that has the key wins, as in every mustache implementation. */
  private static Object first(String key, List<Object> scopes) {
    for (int i = scopes.size() - 1; i >= 0; i--) {
      if (scopes.get(i) instanceof Map<?, ?> map) {
        Object value = valueOrAbsent(map, key);
        if (value != ABSENT) {
          return value;
        }
      }
    }
    return ABSENT;
  }

  /** {@code map}'s value for {@code key} (null when present with null), or {@link #ABSENT}: one lookup, not two. */
  @SuppressWarnings("unchecked")
  private static Object valueOrAbsent(Map<?, ?> map, String key) {
    return ((Map<Object, Object>) map).getOrDefault(key, ABSENT);
  }

  /** Thrown through mustache.java (which wraps it) and turned into a {@link RenderException}. */
  static final class MissingVariableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final transient TemplateContext context;

    MissingVariableException(String name, TemplateContext context) {
      super("no '" + name + "' in the render context", null, false, false);
      this.name = name;
      this.context = context;
    }

    String name() {
      return name;
    }

    /** The 1-based template line, or 0 when unknown. */
    int line() {
      return context == null ? 0 : context.line();
    }
  }
}
