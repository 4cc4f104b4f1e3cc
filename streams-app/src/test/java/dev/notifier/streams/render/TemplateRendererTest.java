package dev.notifier.streams.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Party;
import dev.notifier.avro.Subject;
import dev.notifier.avro.internal.Candidate;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TemplateRendererTest {

  private static final TemplateRenderer RENDERER = TemplateRenderer.classpath("en");
  private static final Instant AT = Instant.parse("2026-11-21T02:30:00Z");

  // --- the shipped templates ----------------------------------------------------------------

  @Test
  void headerSafeReplacesEveryControlAndLineSeparatorAndLeavesCleanSubjectsAsTheyAre() {
    assertThat(TemplateRenderer.headerSafe("  Bug #42 Login fails — assigned 登录 ")).isEqualTo(
        "Bug #42 Login fails — assigned 登录");
    assertThat(TemplateRenderer.headerSafe("a\r\nBcc: x@y\tz\u0085w\u2028v\u2029u\u0000t\u007f"))
        .isEqualTo("a  Bcc: x@y z w v u t");
    assertThat(TemplateRenderer.headerSafe("\n")).isEmpty();
    assertThat(TemplateRenderer.headerSafe("emoji \uD83D\uDE00 kept")).isEqualTo("emoji \uD83D\uDE00 kept");
    // a subject template's trailing newline, and controls at either end that are not whitespace
    assertThat(TemplateRenderer.headerSafe("Bug #42 Login fails\n")).isEqualTo("Bug #42 Login fails");
    assertThat(TemplateRenderer.headerSafe("\n\u0000 a\u2028b \u007f\r\n")).isEqualTo("a b");
  }

  @Test
  void rendersAnEnglishBugAssignment() {
    Rendered r = RENDERER.render(bugAssigned("en").build());

    assertThat(r.subject()).isEqualTo("[ZenTao] Bug #42 Login fails on Safari — assigned to you by Carol");
    assertThat(r.text()).contains("Hello Dave,", "assigned to you by Carol", "Severity: 2",
        "https://zentao.example.com/bug-view-42.html", "You are the assignee.");
    assertThat(r.html()).contains("<a href=\"https://zentao.example.com/bug-view-42.html\"", "<html lang=\"en\">",
        "<strong>assigned to you</strong>");
  }

  @Test
  void rendersAChineseBugAssignment() {
    Rendered r = RENDERER.render(bugAssigned("zh-CN").setEvent(event("bug.assigned", "carol", null)).build());

    assertThat(r.subject()).isEqualTo("[禅道] Bug #42 Login fails on Safari — carol 指派给你");
    assertThat(r.text()).contains("Dave，你好：", "严重程度：2", "查看详情：https://zentao.example.com/bug-view-42.html",
        "你是当前指派人。");
    assertThat(r.html()).contains("<html lang=\"zh-CN\">", "<strong>指派给你</strong>");
  }

  @Test
  void aCcRecipientReadsWhatHappenedRatherThanAssignedToYou() {
    Rendered r = RENDERER.render(bugAssigned("en").setRole("cc").build());

    assertThat(r.subject()).endsWith("— reassigned by Carol");
    assertThat(r.text()).contains("You are in cc.");
  }

  @Test
  void theRoleTextCanDependOnTheEventType() {
    Candidate c = bugAssigned("zh-CN").setTemplate("build")
        .setEvent(eventBuilder("build.submitted", "Carol", "v2.3").build()).build();

    assertThat(RENDERER.render(c).text()).contains("你是测试负责人。", "Carol 提交测试");
  }

  @Test
  void showsTheTimeInTheRecipientsTimeZone() {
    assertThat(RENDERER.render(bugAssigned("en").setTimeZone("Asia/Shanghai").build()).text())
        .contains("When: 2026-11-21 10:30 GMT+8");
    assertThat(RENDERER.render(bugAssigned("en").setTimeZone(null).build()).text())
        .contains("2026-11-21 02:30");
    assertThat(RENDERER.render(bugAssigned("en").setTimeZone("Not/AZone").build()).text())
        .contains("2026-11-21 02:30");
  }

  // --- locale fallback ----------------------------------------------------------------------

  @Test
  void normalizesTheRecipientLocale() {
    assertThat(RENDERER.render(bugAssigned("zh_CN").build()).subject()).contains("指派给你");
    assertThat(RENDERER.render(bugAssigned("ZH-cn").build()).subject()).contains("指派给你");
    assertThat(RENDERER.render(bugAssigned("zh").build()).subject()).contains("指派给你");
    assertThat(RENDERER.render(bugAssigned("en-US").build()).subject()).contains("assigned to you");
  }

  @Test
  void fallsBackToTheDefaultLocale() {
    assertThat(RENDERER.render(bugAssigned("zh-TW").build()).subject()).contains("assigned to you");
    assertThat(RENDERER.render(bugAssigned("fr").build()).subject()).contains("assigned to you");
    assertThat(RENDERER.render(bugAssigned(null).build()).subject()).contains("assigned to you");
    assertThat(RENDERER.render(bugAssigned("").build()).subject()).contains("assigned to you");
  }

  @Test
  void theDefaultLocaleIsConfigurable() {
    TemplateRenderer chinese = TemplateRenderer.classpath("zh_CN");

    assertThat(chinese.render(bugAssigned("fr").build()).subject()).contains("指派给你");
  }

  @Test
  void triesTheLanguageBeforeTheDefault(@TempDir Path dir) throws IOException {
    template(dir, "greeting", "en", "en {{subject.title}}");
    template(dir, "greeting", "zh", "zh {{subject.title}}");
    template(dir, "greeting", "zh_CN", "zh-CN {{subject.title}}");
    TemplateRenderer renderer = TemplateRenderer.directory(dir, "en");

    assertThat(subject(renderer, "greeting", "zh-TW")).isEqualTo("zh Login fails on Safari");
    assertThat(subject(renderer, "greeting", "zh")).isEqualTo("zh Login fails on Safari");
    assertThat(subject(renderer, "greeting", "zh_cn")).isEqualTo("zh-CN Login fails on Safari");
    assertThat(subject(renderer, "greeting", "fr")).isEqualTo("en Login fails on Safari");
    assertThat(renderer.locales("greeting")).containsExactly("en", "zh", "zh-CN");
  }

  @Test
  void aDirectoryOverridesTheShippedLocaleAndMessagesButKeepsTheRest(@TempDir Path dir) throws IOException {
    template(dir, "bug", "en", "Overridden {{subject.title}} {{action}}");
    Files.createDirectories(dir.resolve("_messages"));
    Files.writeString(dir.resolve("_messages/en.properties"), "action.bug.assigned.to=handed to you\n");
    TemplateRenderer renderer = TemplateRenderer.directory(dir, "en");

    Rendered r = renderer.render(bugAssigned("en").build());
    assertThat(r.subject()).isEqualTo("Overridden Login fails on Safari handed to you");
    assertThat(r.html()).isNull();
    assertThat(renderer.render(bugAssigned("zh-CN").build()).subject()).contains("指派给你");
    assertThat(renderer.templateIds()).contains("bug", "story", "task");
  }

  // --- errors -------------------------------------------------------------------------------

  @Test
  void anUnknownTemplateIdIsNoTemplate() {
    assertThatThrownBy(() -> RENDERER.render(bugAssigned("zh-TW").setTemplate("invoice").build()))
        .isInstanceOfSatisfying(RenderException.class, e -> assertThat(e.reason()).isEqualTo("no-template"))
        .hasMessageContaining("'invoice'")
        .hasMessageContaining("[zh-TW, zh, en]");
  }

  @Test
  void aMisspelledVariableIsMissingVariableNamingItAndTheFile() throws URISyntaxException {
    Path broken = Path.of(getClass().getResource("/templates-broken").toURI());
    TemplateRenderer renderer = TemplateRenderer.directory(broken, "en");

    assertThatThrownBy(() -> renderer.render(bugAssigned("en").setTemplate("broken").build()))
        .isInstanceOfSatisfying(RenderException.class, e -> assertThat(e.reason()).isEqualTo("missing-variable"))
        .hasMessageContaining("{{subjcet.title}}")
        .hasMessageContaining("broken/en/subject.mustache");
    assertThatThrownBy(renderer::validate)
        .isInstanceOfSatisfying(RenderException.class, e -> assertThat(e.reason()).isEqualTo("missing-variable"))
        .hasMessageContaining("broken/en/subject.mustache");
  }

  @Test
  void anAttributeOutsideItsSectionIsStrictButInsideItIsOptional(@TempDir Path dir) throws IOException {
    template(dir, "strict", "en", "{{#attributes.missing}}never {{attributes.missing}}{{/attributes.missing}}"
        + "{{^attributes.missing}}no value{{/attributes.missing}} {{attributes.severity}}");
    TemplateRenderer renderer = TemplateRenderer.directory(dir, "en");

    assertThat(subject(renderer, "strict", "en")).isEqualTo("no value 2");
    Candidate noSeverity = bugAssigned("en").setTemplate("strict")
        .setEvent(eventBuilder("bug.assigned", "Carol", null).setAttributes(Map.of()).build())
        .build();
    assertThatThrownBy(() -> renderer.render(noSeverity))
        .isInstanceOfSatisfying(RenderException.class, e -> assertThat(e.reason()).isEqualTo("missing-variable"))
        .hasMessageContaining("{{attributes.severity}}");
    assertThatThrownBy(renderer::validate).hasMessageContaining("strict/en/subject.mustache");
  }

  @Test
  void aTemplateThatDoesNotCompileFailsConstruction(@TempDir Path dir) throws IOException {
    template(dir, "unclosed", "en", "{{#subject.url}}open");

    assertThatThrownBy(() -> TemplateRenderer.directory(dir, "en"))
        .isInstanceOfSatisfying(RenderException.class, e -> assertThat(e.reason()).isEqualTo("bad-template"))
        .hasMessageContaining("unclosed/en/subject.mustache");
  }

  // --- escaping and header safety -----------------------------------------------------------

  @Test
  void escapesEventFieldsInHtmlOnly() {
    Candidate c = bugAssigned("en").setEvent(event("bug.assigned", "Carol & <b>Co</b>", "<script>alert(1)</script>"))
        .build();

    Rendered r = RENDERER.render(c);

    assertThat(r.html()).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "Carol &amp; &lt;b&gt;Co&lt;/b&gt;")
        .doesNotContain("<script>", "<b>Co</b>");
    assertThat(r.text()).contains("<script>alert(1)</script>", "Carol & <b>Co</b>");
    assertThat(r.subject()).contains("<script>alert(1)</script>").contains("by Carol & <b>Co</b>");
  }

  @Test
  void theSubjectIsOneLineWhateverTheTitle() {
    Candidate c = bugAssigned("en")
        .setEvent(event("bug.assigned", "Carol\u2028X", "Login fails\r\nBcc: evil@example.com\u0000\u0085"))
        .build();

    String subject = RENDERER.render(c).subject();

    assertThat(subject).doesNotContain("\r", "\n", "\u0000", "\u0085", "\u2028")
        .contains("Login fails  Bcc: evil@example.com")
        .isEqualTo(subject.strip());
  }

  @Test
  void aNullUrlRendersWithoutTheLink() {
    Candidate c = bugAssigned("en").setEvent(eventWithUrl(null)).build();

    Rendered r = RENDERER.render(c);

    assertThat(r.html()).doesNotContain("<a ");
    assertThat(r.text()).doesNotContain("Open it").contains("Login fails on Safari");
  }

  @Test
  void onlyHttpLinksReachTheMail() {
    Rendered r = RENDERER.render(bugAssigned("en").setEvent(eventWithUrl("javascript:alert(1)")).build());

    assertThat(r.html()).doesNotContain("<a ", "javascript:");
    assertThat(r.text()).doesNotContain("javascript:");
  }

  @Test
  void anEventWithoutActorOrNamesStillRenders() {
    Candidate c = bugAssigned("en").setName(null)
        .setEvent(eventBuilder("bug.assigned", "x", null).setActor(null).build()).build();

    Rendered r = RENDERER.render(c);

    assertThat(r.subject()).endsWith("— assigned to you");
    assertThat(r.text()).startsWith("Hello dave@example.com,");
  }

  // --- the whole catalogue ------------------------------------------------------------------

  @Test
  void theShippedTemplatesValidate() {
    RENDERER.validate();

    assertThat(RENDERER.templateIds())
        .containsExactlyInAnyOrder("bug", "story", "task", "testtask", "story-project", "build", "digest", "security");
    RENDERER.templateIds().forEach(id -> assertThat(RENDERER.locales(id)).containsExactly("en", "zh-CN"));
  }

  static Stream<Arguments> catalogue() {
    Map<String, List<String>> types = new HashMap<>();
    types.put("bug", List.of("created", "edited", "assigned", "confirmed", "resolved", "activated", "closed"));
    types.put("story", List.of("created", "edited", "changed", "activated", "reviewed", "closed", "planChanged",
        "branchChanged", "stageChanged", "assigned"));
    types.put("task", List.of("created", "edited", "assigned", "started", "finished", "activated", "closed",
        "canceled", "restarted"));
    types.put("testtask", List.of("created", "edited"));
    types.put("build", List.of("submitted"));
    Map<String, List<String>> templates = Map.of("bug", List.of("bug"), "story", List.of("story", "story-project"),
        "task", List.of("task"), "testtask", List.of("testtask"), "build", List.of("build"));
    return types.entrySet().stream().flatMap(kind -> kind.getValue().stream().flatMap(action ->
        templates.get(kind.getKey()).stream().flatMap(template -> Stream.of("en", "zh-CN").flatMap(
            locale -> Stream.of("to", "cc").map(role ->
                Arguments.of(kind.getKey() + "." + action, template, locale, role))))));
  }

  @ParameterizedTest(name = "{0} via {1} in {2} as {3}")
  @MethodSource("catalogue")
  void everyCatalogueEventRendersWithALocalizedAction(String type, String template, String locale, String role) {
    String kind = type.substring(0, type.indexOf('.'));
    Candidate c = bugAssigned(locale).setTemplate(template).setRole(role)
        .setEvent(eventBuilder(type, "Carol", "A title").setSubject(
            Subject.newBuilder().setKind(kind).setId("7").setTitle("A title").setUrl("https://z.example/7").build())
            .setAttributes(Map.of("project", "Apollo", "comment", "see logs")).build())
        .build();

    Rendered r = RENDERER.render(c);

    assertThat(r.subject()).contains("#7 A title").doesNotContain(type).doesNotContain("\n", "\r");
    assertThat(r.text()).contains("A title", "https://z.example/7", "see logs").doesNotContain(type);
    assertThat(r.html()).contains("<a href=\"https://z.example/7\"", "see logs").doesNotContain(type);
  }

  @Test
  void rendersAPasswordResetInBothLanguages() {
    DomainEvent reset = eventBuilder("security.passwordReset", null, null).setSource("sso").setActor(null)
        .setSubject(Subject.newBuilder().setKind("account").setId("dave").setTitle("Password reset requested")
            .setUrl("https://sso.example.com/reset/8f3a").build())
        .setAttributes(Map.of("ip", "203.0.113.7")).build();

    Rendered en = RENDERER.render(bugAssigned("en").setEvent(reset).setTemplate("security").build());
    Rendered zh = RENDERER.render(bugAssigned("zh-CN").setEvent(reset).setTemplate("security").build());

    assertThat(en.subject()).isEqualTo("[SSO] Password reset requested");
    assertThat(en.text()).contains("Hello Dave,", "Password reset requested (requested at", "From: 203.0.113.7",
        "Continue here: https://sso.example.com/reset/8f3a", "If this was not you");
    assertThat(en.html()).contains("<a href=\"https://sso.example.com/reset/8f3a\"", "SSO · Account");
    assertThat(zh.subject()).isEqualTo("[统一登录] Password reset requested");
    assertThat(zh.text()).contains("Dave，你好：", "申请", "来源：203.0.113.7", "继续操作：https://sso.example.com/reset/8f3a");
    assertThat(zh.html()).contains("<html lang=\"zh-CN\">", "统一登录 · 账号");
  }

  // --- fixtures -----------------------------------------------------------------------------

  private static Candidate.Builder bugAssigned(String locale) {
    return Candidate.newBuilder()
        .setEvent(event("bug.assigned", "Carol", "Login fails on Safari"))
        .setRole("to").setUserId("dave").setEmail("dave@example.com").setName("Dave")
        .setLocale(locale).setTimeZone(null).setTemplate("bug");
  }

  private static DomainEvent event(String type, String actorName, String title) {
    return eventBuilder(type, actorName, title).build();
  }

  /** A fresh builder each time: copying an Avro record deep-copies through a class allow-list. */
  private static DomainEvent.Builder eventBuilder(String type, String actorName, String title) {
    return DomainEvent.newBuilder()
        .setEventId("e-1").setType(type).setSource("zentao").setTeam("web").setOccurredAt(AT)
        .setActor(Party.newBuilder().setUserId("carol").setName(actorName).build())
        .setSubject(Subject.newBuilder().setKind("bug").setId("42")
            .setTitle(title == null ? "Login fails on Safari" : title)
            .setUrl("https://zentao.example.com/bug-view-42.html").build())
        .setAttributes(Map.of("severity", "2"))
        .setTo(List.of()).setCc(List.of()).setOwner(null); // explicit: Avro defaults need a class allow-list
  }

  private static DomainEvent eventWithUrl(String url) {
    return eventBuilder("bug.assigned", "Carol", null).setSubject(Subject.newBuilder().setKind("bug").setId("42")
        .setTitle("Login fails on Safari").setUrl(url).build()).build();
  }

  private static String subject(TemplateRenderer renderer, String template, String locale) {
    return renderer.render(bugAssigned(locale).setTemplate(template).build()).subject();
  }

  private static void template(Path root, String id, String locale, String subject) throws IOException {
    Path dir = Files.createDirectories(root.resolve(id).resolve(locale));
    Files.writeString(dir.resolve("subject.mustache"), subject + "\n");
    Files.writeString(dir.resolve("text.mustache"), "body {{subject.title}}\n");
  }
}
