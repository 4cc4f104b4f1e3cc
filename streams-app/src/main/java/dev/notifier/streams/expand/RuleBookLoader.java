package dev.notifier.streams.expand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import dev.notifier.streams.policy.PolicyDefaults;
import dev.notifier.streams.policy.PolicyReader;
import dev.notifier.streams.policy.RulePolicy;

/**
 * Reads notification rules from YAML. Any problem stops start-up with a message naming the file,
 * the key and what is wrong, e.g. {@code rules.yaml: rules[3].notify[1]: role 'assignee' is unknown}.
 *
 * <pre>
 * rules:
 *   - events: "bug.*"            # event type or glob, or a list of them
 *     notify: [to, cc, groups]   # to, cc, owner, groups, user-attribute:NAME, group-attribute:NAME
 *     template: bug
 *     notifyActor: false         # default
 *     priority: normal           # and the other policy keys of PolicyReader
 * defaults: ...                  # policy defaults (PolicyReader)
 * </pre>
 *
 * Policy problems are all reported at once, in one message, one line each.
 */
public final class RuleBookLoader {

  /** The rules shipped with notifier (the ZenTao notification catalogue). */
  public static final String DEFAULT_RESOURCE = "/rules/default-rules.yaml";

  private static final Set<String> KEYS = keys();

  private static Set<String> keys() {
    Set<String> keys = new HashSet<>(Set.of("events", "notify", "template", "notifyActor"));
    keys.addAll(PolicyReader.RULE_KEYS);
    return Set.copyOf(keys);
  }

  private RuleBookLoader() {
  }

  public static RuleBook defaults() {
    try (InputStream in = RuleBookLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      return parse(DEFAULT_RESOURCE, in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the built-in rules " + DEFAULT_RESOURCE, e);
    }
  }

  public static RuleBook load(Path file) {
    if (!Files.isReadable(file)) {
      throw new InvalidRulesException(file + ": the rules file does not exist or cannot be read");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parse(file.toString(), in);
    } catch (IOException e) {
      throw new InvalidRulesException(file + ": cannot read the rules file: " + e.getMessage());
    }
  }

  public static RuleBook parse(String name, InputStream in) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new InvalidRulesException(name + ": not valid YAML: " + e.getMessage());
    }
    JsonNode rules = root == null ? null : root.get("rules");
    if (rules == null || !rules.isArray() || rules.isEmpty()) {
      throw new InvalidRulesException(name + ": key 'rules' must be a non-empty list of rules");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
      String key = it.next();
      if (!key.equals("rules") && !key.equals("defaults")) {
        throw new InvalidRulesException(name + ": " + key + " is not a top-level key; use rules and defaults");
      }
    }
    PolicyReader policies = new PolicyReader(name);
    List<NotificationRule> parsed = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      parsed.addAll(rule(name, "rules[" + i + "]", rules.get(i), policies));
    }
    PolicyDefaults defaults = policies.defaults(root.get("defaults"));
    if (!policies.problems().isEmpty()) {
      throw new InvalidRulesException(String.join("\n", policies.problems()));
    }
    return new RuleBook(parsed, defaults);
  }

  /** One rule per pattern: {@code events} is one pattern or a list of them. */
  private static List<NotificationRule> rule(String file, String path, JsonNode node, PolicyReader policies) {
    if (!node.isObject()) {
      throw new InvalidRulesException(file + ": " + path + " must be a mapping with events, notify and template");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new InvalidRulesException(file + ": " + path + "." + key + " is not a rule key; use one of " + KEYS);
      }
    }
    String template = text(node, "template");
    if (template == null || template.isBlank()) {
      throw new InvalidRulesException(file + ": " + path + ".template is missing: name the template id, e.g. bug");
    }
    List<Role> roles = roles(file, path, node.get("notify"));
    RulePolicy policy = policies.rule(path, node);
    List<NotificationRule> out = new ArrayList<>();
    for (Glob events : patterns(file, path, node.get("events"))) {
      out.add(new NotificationRule(events, roles, template, node.path("notifyActor").asBoolean(false), policy));
    }
    return out;
  }

  private static List<Glob> patterns(String file, String path, JsonNode events) {
    List<Glob> globs = new ArrayList<>();
    if (events != null && events.isArray()) {
      for (int i = 0; i < events.size(); i++) {
        globs.add(glob(file, path + ".events[" + i + "]", events.get(i).asText()));
      }
    } else {
      globs.add(glob(file, path + ".events", events == null || events.isNull() ? null : events.asText()));
    }
    if (globs.isEmpty()) {
      throw new InvalidRulesException(file + ": " + path + ".events is an empty list: name at least one event type");
    }
    return globs;
  }

  private static Glob glob(String file, String path, String pattern) {
    try {
      return Glob.of(pattern);
    } catch (IllegalArgumentException e) {
      throw new InvalidRulesException(file + ": " + path + ": " + e.getMessage());
    }
  }

  private static List<Role> roles(String file, String path, JsonNode notify) {
    if (notify == null || !notify.isArray() || notify.isEmpty()) {
      throw new InvalidRulesException(file + ": " + path + ".notify must be a non-empty list of roles "
          + "(to, cc, owner, groups, user-attribute:NAME, group-attribute:NAME)");
    }
    List<Role> roles = new ArrayList<>();
    for (int i = 0; i < notify.size(); i++) {
      try {
        roles.add(Role.parse(notify.get(i).asText()));
      } catch (IllegalArgumentException e) {
        throw new InvalidRulesException(file + ": " + path + ".notify[" + i + "]: " + e.getMessage());
      }
    }
    return roles;
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** Rules that cannot be used; the message names the file, the key and the problem. */
  public static final class InvalidRulesException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidRulesException(String message) {
      super(message);
    }
  }
}
