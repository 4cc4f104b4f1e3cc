package dev.notifier.cli.console;

import dev.notifier.cli.ops.dlt.DeadLetterEntry;
import dev.notifier.cli.ops.dlt.DltFilter;
import dev.notifier.cli.ops.dlt.DltReader;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One page of the dead letters a filter accepts, newest first, with a count per value of each facet
 * and per hour and class — in one pass over the topic that keeps only the rows up to the page asked
 * for, so any number of dead letters can be paged through without holding them all.
 */
final class DeadLetterSearch {

  static final int PAGE_SIZE = 25;

  /** The facets, in the order the page shows them, and how each is read from a dead letter. */
  static final Map<String, Function<DeadLetterEntry, String>> FACETS = facets();

  private static Map<String, Function<DeadLetterEntry, String>> facets() {
    Map<String, Function<DeadLetterEntry, String>> f = new LinkedHashMap<>();
    f.put("class", DeadLetterEntry::failureClass);
    f.put("account", DeadLetterEntry::account);
    f.put("code", DeadLetterEntry::replyCode);
    f.put("enhanced", DeadLetterEntry::enhancedCode);
    f.put("domain", DeadLetterEntry::domain);
    f.put("eventType", DeadLetterEntry::eventType);
    f.put("template", DeadLetterEntry::template);
    f.put("attempts", e -> String.valueOf(e.letter().getAttempts()));
    return f;
  }

  /** The filter as the page's form gives it (the CLI's filter), the page asked for and its order. */
  record Criteria(DltFilter filter, int page, String sort, boolean ascending) {
  }

  /** A page: its rows, how many matched in all, the facets' counts, and per hour the counts by class. */
  record Page(List<DeadLetterEntry> rows, long matched, Map<String, Map<String, Long>> facets,
      Map<String, Map<String, Long>> perHour, int page, int pages, long unreadable) {
  }

  /** The dead letters, handed over one by one as read (null for a record that is not one), none held. */
  interface Source {
    void forEach(Consumer<DeadLetterEntry> sink);
  }

  private final Source source;

  DeadLetterSearch(DltReader reader) {
    this(reader::forEach);
  }

  DeadLetterSearch(Source source) {
    this.source = source;
  }

  Page search(Criteria criteria) {
    int keep = (criteria.page() + 1) * PAGE_SIZE;
    Comparator<DeadLetterEntry> order = order(criteria.sort(), criteria.ascending());
    // the heap holds the rows up to the page asked for, its head the one to drop first
    PriorityQueue<DeadLetterEntry> newest = new PriorityQueue<>(order.reversed());
    Map<String, Map<String, Long>> facets = new LinkedHashMap<>();
    FACETS.keySet().forEach(k -> facets.put(k, new TreeMap<>()));
    Map<String, Map<String, Long>> perHour = new TreeMap<>();
    long[] matched = {0};
    long[] unreadable = {0};
    source.forEach(e -> {
      if (e == null) {
        unreadable[0]++;
        return;
      }
      if (!criteria.filter().test(e)) {
        return;
      }
      matched[0]++;
      FACETS.forEach((name, value) -> facets.get(name).merge(String.valueOf(value.apply(e)), 1L, Long::sum));
      perHour.computeIfAbsent(e.failedAt().truncatedTo(ChronoUnit.HOURS).toString(), h -> new TreeMap<>())
          .merge(e.failureClass(), 1L, Long::sum);
      newest.add(e);
      if (newest.size() > keep) {
        newest.poll();
      }
    });
    List<DeadLetterEntry> all = new ArrayList<>(newest);
    all.sort(order);
    int from = Math.min(criteria.page() * PAGE_SIZE, all.size());
    int pages = (int) Math.max(1, (matched[0] + PAGE_SIZE - 1) / PAGE_SIZE);
    return new Page(all.subList(from, all.size()), matched[0], facets, perHour, criteria.page(), pages,
        unreadable[0]);
  }

  /** The columns a page can be sorted by. */
  static final List<String> SORTS = List.of("failedAt", "class", "code", "recipient", "eventType", "template",
      "attempts");

  /** Rows in the order asked for (default: newest first), ties broken by topic position. */
  static Comparator<DeadLetterEntry> order(String sort, boolean ascending) {
    Comparator<DeadLetterEntry> by = switch (sort == null ? "failedAt" : sort) {
      case "class" -> Comparator.comparing(DeadLetterEntry::failureClass);
      case "code" -> Comparator.comparing(e -> e.replyCode() + " " + e.enhancedCode());
      case "recipient" -> Comparator.comparing(DeadLetterEntry::recipient);
      case "eventType" -> Comparator.comparing(DeadLetterEntry::eventType);
      case "template" -> Comparator.comparing(DeadLetterEntry::template);
      case "attempts" -> Comparator.comparing(e -> e.letter().getAttempts());
      default -> Comparator.comparing(DeadLetterEntry::failedAt);
    };
    return (ascending ? by : by.reversed()).thenComparing(DeadLetterEntry::position);
  }
}
