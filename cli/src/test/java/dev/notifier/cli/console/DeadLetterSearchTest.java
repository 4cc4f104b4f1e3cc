package dev.notifier.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.cli.ops.dlt.DeadLetterEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Paging, sorting, facets and the time range over more dead letters than a page holds: the 60 dead
 * letters of {@link #SIXTY}, one a minute, every third one PERMANENT at example.com, the others
 * DEAD_RECIPIENT at example.org, and one unreadable record.
 */
class DeadLetterSearchTest {

  private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");
  private static final Instant NOW = T.plus(Duration.ofMinutes(60));

  private static final DeadLetterSearch.Source SIXTY = sink -> {
    for (int i = 0; i < 60; i++) {
      sink.accept(entry(i));
    }
    sink.accept(null);
  };

  @Test
  void theSecondPageHoldsTheNext25NewestAndTheCountsCoverAll() {
    DeadLetterSearch.Page page = search("page=2");
    assertThat(page.matched()).isEqualTo(60);
    assertThat(page.pages()).isEqualTo(3);
    assertThat(page.unreadable()).isEqualTo(1);
    assertThat(page.rows()).extracting(DeadLetterEntry::notificationId).hasSize(25).startsWith("n34").endsWith("n10");
    assertThat(page.facets().get("class")).containsExactly(Map.entry("DEAD_RECIPIENT", 40L),
        Map.entry("PERMANENT", 20L));
    assertThat(page.facets().get("domain")).containsExactly(Map.entry("example.com", 20L),
        Map.entry("example.org", 40L));
    assertThat(page.perHour().get("2026-11-21T10:00:00Z")).containsExactly(Map.entry("DEAD_RECIPIENT", 40L),
        Map.entry("PERMANENT", 20L));
    assertThat(search("page=3").rows()).extracting(DeadLetterEntry::notificationId).hasSize(10).endsWith("n00");
    assertThat(search("page=9").rows()).as("past the last page").isEmpty();
  }

  @Test
  void aFilterAndATimeRangeNarrowRowsAndCountsAlike() {
    DeadLetterSearch.Page page = search("class=PERMANENT&since=30m");
    assertThat(page.matched()).as("PERMANENT at minute 30, 33, ... 57").isEqualTo(10);
    assertThat(page.rows()).extracting(DeadLetterEntry::notificationId).first().isEqualTo("n57");
    assertThat(page.facets().get("domain")).containsOnly(Map.entry("example.com", 10L));
    assertThat(search("attempts=2").matched()).as("every other one failed twice").isEqualTo(30);
  }

  @Test
  void sortedByRecipientAscendingAcrossPages() {
    DeadLetterSearch.Page first = search("sort=recipient&dir=asc");
    assertThat(first.rows()).extracting(DeadLetterEntry::recipient).startsWith("u00@example.com", "u01@example.org");
    DeadLetterSearch.Page last = search("sort=recipient&dir=asc&page=3");
    assertThat(last.rows()).extracting(DeadLetterEntry::recipient).endsWith("u59@example.org");
  }

  @Test
  @SuppressWarnings("unchecked")
  void eachFacetValueLinksToTheDeadLettersItCounts() {
    Map<String, Object> model = DeadLettersPage.model(new Views(), "en", Params.parse(""), search(""));
    int links = 0;
    for (Map<String, Object> facet : (List<Map<String, Object>>) model.get("facets")) {
      for (Map<String, Object> value : (List<Map<String, Object>>) facet.get("values")) {
        String href = (String) value.get("href");
        assertThat(search(href.substring(href.indexOf('?') + 1)).matched())
            .as(facet.get("name") + "=" + value.get("value") + " links to " + href).isEqualTo(value.get("count"));
        links++;
      }
    }
    assertThat(links).as("class 2, account 1, code 2, enhanced 2, domain 2, event type 1, template 1, attempts 2")
        .isEqualTo(13);
  }

  private static DeadLetterSearch.Page search(String query) {
    return new DeadLetterSearch(SIXTY).search(DeadLettersPage.criteria(Params.parse(query), NOW));
  }

  private static DeadLetterEntry entry(int i) {
    String id = String.format("n%02d", i);
    boolean permanent = i % 3 == 0;
    Instant at = T.plus(Duration.ofMinutes(i));
    Notification n = Notification.newBuilder().setPriority(Priority.NORMAL).setNotificationId(id).setEventId("e" + i)
        .setEventType("bug.assigned").setTemplate("bug").setAccount("default")
        .setRecipient(Recipient.newBuilder().setEmail(String.format("u%02d@example.%s", i, permanent ? "com" : "org"))
            .build()).setSubject("s").setTextBody("t").setCreatedAt(at).build();
    DeadLetter letter = DeadLetter.newBuilder().setNotification(n).setFailureClass(permanent ? "PERMANENT"
            : "DEAD_RECIPIENT").setReplyCode(permanent ? 554 : 550).setEnhancedCode(permanent ? "5.7.1" : "5.1.1")
        .setAccount("default").setAttempts(i % 2 == 0 ? 1 : 2).setFirstFailureAt(at).setLastFailureAt(at).build();
    return new DeadLetterEntry("notifier.send.dlt", 0, i, letter, Map.of());
  }
}
