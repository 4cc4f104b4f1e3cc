package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.testkit.RequiredTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus/alerts.yml: Prometheus' own {@code promtool} accepts the rules and passes their unit tests
 * (alerts.test.yml: series fed in, which alerts fire when, with which labels and text); every rule asks only for
 * metrics the notifier serves, with their labels, is tested firing, and has a severity, a summary and a
 * description; compose's Prometheus loads the file.
 */
class AlertRulesTest {

  private static final String PROMTOOL = "promtool";

  static Manifests deploy;

  @BeforeAll
  static void load() {
    deploy = Manifests.fromBuild();
  }

  @Test
  void promtoolAcceptsTheRulesAndTheConfigAndTheRulesPassTheirUnitTests() throws Exception {
    requirePromtool();
    Path dir = deploy.path("prometheus");
    assertThat(promtool(dir, "check", "rules", "alerts.yml")).contains("SUCCESS: " + rules().size() + " rules found");
    assertThat(promtool(dir, "check", "config", "prometheus.yml")).contains("SUCCESS: 1 rule files found");
    assertThat(promtool(dir, "test", "rules", "alerts.test.yml")).contains("SUCCESS");
  }

  @Test
  void everyRuleAsksForMetricsTheNotifierServesAndSaysWhatToDo() {
    for (JsonNode rule : rules()) {
      String name = rule.path("alert").asText();
      String expr = rule.path("expr").asText();
      Set<String> metrics = DeployManifestsTest.metricNames(expr);
      assertThat(metrics).as("metrics of " + name).isNotEmpty();
      Set<String> allowed = new HashSet<>(DeployManifestsTest.TARGET_LABELS);
      for (String metric : metrics) {
        boolean served = metric.equals("up") || DeployManifestsTest.CONTRACT_METRICS.containsKey(metric)
            || DeployManifestsTest.CONTRACT_PREFIXES.stream().anyMatch(metric::startsWith);
        assertThat(served).as(metric + " in " + name + " is a metric the notifier serves").isTrue();
        allowed.addAll(DeployManifestsTest.CONTRACT_METRICS.getOrDefault(metric, Set.of()));
      }
      if (metrics.stream().allMatch(DeployManifestsTest.CONTRACT_METRICS::containsKey)) {
        assertThat(DeployManifestsTest.labels(expr)).as("labels of " + name).isSubsetOf(allowed);
      }
      assertThat(rule.path("labels").path("severity").asText()).as(name + " severity").isIn("warning", "critical");
      assertThat(rule.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
      assertThat(rule.path("annotations").path("description").asText()).as(name + " description").isNotBlank();
    }
  }

  @Test
  void everyRuleIsTestedFiring() {
    Set<String> firing = new HashSet<>();
    for (JsonNode test : deploy.single("prometheus/alerts.test.yml").path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        if (!check.path("exp_alerts").isEmpty()) {
          firing.add(check.path("alertname").asText());
        }
      }
    }
    List<String> names = rules().stream().map(r -> r.path("alert").asText()).toList();
    assertThat(names).doesNotHaveDuplicates();
    assertThat(firing).containsExactlyInAnyOrderElementsOf(names);
  }

  @Test
  void composesPrometheusLoadsTheRulesBesideItsConfig() {
    assertThat(DeployManifestsTest.texts(deploy.single("prometheus/prometheus.yml").path("rule_files")))
        .containsExactly("alerts.yml");
    assertThat(DeployManifestsTest.texts(deploy.single("compose.yaml").path("services").path("prometheus")
        .path("volumes")))
        .contains("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
            "./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
  }

  private static List<JsonNode> rules() {
    List<JsonNode> rules = new ArrayList<>();
    deploy.single("prometheus/alerts.yml").path("groups").forEach(g -> g.path("rules").forEach(rules::add));
    return rules;
  }

  /** Skips the test (fails it with NOTIFIER_REQUIRE_TOOLS set, as in CI) unless promtool runs. */
  private static void requirePromtool() {
    RequiredTools.require(RequiredTools.runs(Duration.ofSeconds(30), PROMTOOL, "--version"),
        "promtool not found: install Debian's prometheus package (apt-get install --no-install-recommends "
            + "prometheus), as .ci/run does");
  }

  /** Runs promtool in {@code dir}; its output, once it exited 0 (the output is the failure's message otherwise). */
  private static String promtool(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(PROMTOOL));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("promtool", ".txt");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(command + " within 60 s").isTrue();
    String output = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
    return output;
  }
}
