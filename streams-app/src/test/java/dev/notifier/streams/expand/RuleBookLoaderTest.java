package dev.notifier.streams.expand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.streams.expand.RuleBookLoader.InvalidRulesException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RuleBookLoaderTest {

  private static RuleBook parse(String yaml) {
    return RuleBookLoader.parse("rules.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theShippedRulesCoverTheCatalogue() {
    RuleBook rules = RuleBookLoader.defaults();

    assertThat(rules.ruleFor("bug.resolved")).hasValueSatisfying(r -> assertThat(r.template()).isEqualTo("bug"));
    assertThat(rules.ruleFor("story.changed")).hasValueSatisfying(r ->
        assertThat(r.roles()).extracting(Role::label).contains("attribute:project"));
    assertThat(rules.ruleFor("testtask.edited")).hasValueSatisfying(r -> assertThat(r.includes(Role.Kind.OWNER))
        .isTrue());
    assertThat(rules.ruleFor("build.submitted")).hasValueSatisfying(r -> assertThat(r.template()).isEqualTo("build"));
    assertThat(rules.ruleFor("bug.deleted")).isEmpty();
    assertThat(rules.rules()).allSatisfy(r -> assertThat(r.notifyActor()).isFalse());
  }

  @Test
  void exactBeatsGlobAndLongerGlobBeatsShorter() {
    RuleBook rules = parse("rules:\n"
        + "  - {events: '*', notify: [to], template: any}\n"
        + "  - {events: 'bug.*', notify: [to], template: bugs}\n"
        + "  - {events: 'bug.assign?d', notify: [to], template: almost}\n"
        + "  - {events: 'bug.assigned', notify: [to], template: exact}\n");

    assertThat(rules.ruleFor("bug.assigned").get().template()).isEqualTo("exact");
    assertThat(rules.ruleFor("bug.assignxd").get().template()).isEqualTo("almost");
    assertThat(rules.ruleFor("bug.closed").get().template()).isEqualTo("bugs");
    assertThat(rules.ruleFor("task.closed").get().template()).isEqualTo("any");
  }

  @Test
  void anUnknownRoleNamesTheFileTheKeyAndTheChoices() {
    assertThatThrownBy(() -> parse("rules:\n  - {events: bug.created, notify: [to, assignee], template: bug}\n"))
        .isInstanceOf(InvalidRulesException.class)
        .hasMessageContaining("rules.yaml").hasMessageContaining("rules[0].notify[1]")
        .hasMessageContaining("'assignee'").hasMessageContaining("user-attribute:NAME");
  }

  @Test
  void aMissingTemplateIsNamed() {
    assertThatThrownBy(() -> parse("rules:\n  - {events: bug.created, notify: [to]}\n"))
        .hasMessageContaining("rules[0].template is missing");
  }

  @Test
  void aMisspelledKeyIsNamed() {
    assertThatThrownBy(() -> parse("rules:\n  - {events: bug.created, notfy: [to], template: bug}\n"))
        .hasMessageContaining("rules[0].notfy is not a rule key");
  }

  @Test
  void anEmptyFileAndAMissingFileAreRefused() {
    assertThatThrownBy(() -> parse("other: 1\n")).hasMessageContaining("'rules' must be a non-empty list");
    assertThatThrownBy(() -> RuleBookLoader.load(Path.of("/nonexistent/rules.yaml")))
        .hasMessageContaining("/nonexistent/rules.yaml").hasMessageContaining("does not exist");
  }
}
