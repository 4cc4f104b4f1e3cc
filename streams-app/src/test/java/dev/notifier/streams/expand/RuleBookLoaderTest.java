package dev.notifier.streams.expand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.streams.expand.RuleBookLoader.InvalidRulesException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import dev.notifier.avro.Priority;
import dev.notifier.streams.policy.DigestKey;
import dev.notifier.streams.policy.DigestMode;
import dev.notifier.streams.policy.RulePolicy;
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

  @Test
  void policiesAndTheirDefaultsAreRead() {
    RuleBook rules = parse("defaults:\n"
        + "  expiresAfter: {bulk: 2d}\n"
        + "  recipient: {timeZone: Asia/Shanghai, dailyCap: 50}\n"
        + "  teams:\n    berlin: {timeZone: Europe/Berlin, quietHours: [{days: [SAT, SUN], start: \"00:00\", end: \"23:59\"}]}\n"
        + "rules:\n"
        + "  - events: security.*\n    notify: [to]\n    template: bug\n    priority: critical\n"
        + "  - events: bug.*\n    notify: [to]\n    template: bug\n    priority: bulk\n    quietHours: ignore\n"
        + "    digest: {mode: weekly, on: FRIDAY, at: \"17:00\", key: template, maxItems: 20}\n");

    RulePolicy critical = rules.ruleFor("security.login").orElseThrow().policy();
    assertThat(critical.priority()).isEqualTo(Priority.CRITICAL);
    assertThat(critical.digest()).isNull();
    assertThat(critical.respectQuietHours()).isFalse();
    assertThat(critical.capped()).isFalse();
    RulePolicy bulk = rules.ruleFor("bug.edited").orElseThrow().policy();
    assertThat(bulk.respectQuietHours()).isFalse();
    assertThat(bulk.capped()).isTrue();
    assertThat(bulk.digest().mode()).isEqualTo(DigestMode.WEEKLY);
    assertThat(bulk.digest().on()).isEqualTo(DayOfWeek.FRIDAY);
    assertThat(bulk.digest().key()).isEqualTo(DigestKey.TEMPLATE);
    assertThat(bulk.digest().itemLimit()).isEqualTo(20);
    assertThat(rules.policyDefaults().expiresAfter(Priority.BULK)).isEqualTo(Duration.ofDays(2));
    assertThat(rules.policyDefaults().expiresAfter(Priority.CRITICAL)).isEqualTo(Duration.ofHours(1));
    assertThat(rules.policyDefaults().forTeam("berlin").zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(rules.policyDefaults().forTeam("berlin").dailyCap()).isEqualTo(50);
    assertThat(rules.policyDefaults().forTeam("other").zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
  }

  @Test
  void everyBadPolicySettingIsNamedWithItsValueAndFixInOneMessage() {
    assertThatThrownBy(() -> parse("defaults:\n  recipient: {timeZone: Mars/Olympus}\n"
        + "rules:\n  - events: bug.*\n    notify: [to]\n    template: bug\n    priority: urgent\n"
        + "    quietHours: sometimes\n    digest: {mode: hourly, every: 10x}\n"
        + "  - events: task.*\n    notify: [to]\n    template: task\n    digest: {mode: idle, gap: 20m, max: 10m}\n"
        + "    recipient: {quietHours: [{start: \"22:00\", end: \"8 am\"}], dailyCap: -3}\n"))
        .isInstanceOf(InvalidRulesException.class)
        .hasMessageContaining("rules.yaml: rules[0].priority: 'urgent' is not valid; use critical")
        .hasMessageContaining("rules[0].quietHours: 'sometimes' is not valid; use respect")
        .hasMessageContaining("rules[0].digest.mode: 'hourly' is not valid; use fixed (every), idle")
        .hasMessageContaining("rules[0].digest.every: '10x' is not valid; use a positive duration such as 90s")
        .hasMessageContaining("rules[1].digest.gap: '20m' is not valid; an idle digest needs gap and max with gap <= max")
        .hasMessageContaining("rules[1].recipient.quietHours[0].end: '8 am' is not valid; use a local time HH:mm")
        .hasMessageContaining("rules[1].recipient.dailyCap: '-3' is not valid; use a whole number")
        .hasMessageContaining("defaults.recipient.timeZone: 'Mars/Olympus' is not valid; use an IANA time zone");
  }

  @Test
  void aMisspelledPolicyKeyAndADigestWithoutItsWindowAreNamed() {
    assertThatThrownBy(() -> parse("rules:\n  - events: bug.*\n    notify: [to]\n    template: bug\n"
        + "    digest: {mode: fixed, evry: 10m}\n"))
        .hasMessageContaining("rules[0].digest.evry is not a known key")
        .hasMessageContaining("rules[0].digest.every: '' is not valid; a fixed digest needs every");
    assertThatThrownBy(() -> parse("rules:\n  - {events: bug.*, notify: [to], template: bug}\ndefualts: {}\n"))
        .hasMessageContaining("defualts is not a top-level key");
  }
}
