package dev.notifier.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The maxima of two configurations probed in alternation, seconds apart, on two pipelines running side by side:
 * pair {@code i} is configuration A's backlog probe and B's next to it (A B, then B A, and so on, so a drift over
 * the pairs favours neither). The price of A against B is the median of the pairs' ratios: each ratio compares
 * two probes made in the same half minute of the machine, where the rounds compare runs minutes apart.
 */
record PairedMaxima(List<Pair> pairs) {

  /** One pair: A's maximum and B's, in notifications a second. */
  record Pair(double a, double b) {

    double ratio() {
      return Stats.ratio(a, b);
    }
  }

  PairedMaxima {
    pairs = List.copyOf(pairs);
  }

  /** The median of the pairs' ratios of A's maximum to B's; NaN without pairs. */
  double ratio() {
    return pairs.isEmpty() ? Double.NaN : Stats.median(pairs.stream().map(Pair::ratio).toList());
  }

  double medianA() {
    return Stats.median(pairs.stream().map(Pair::a).toList());
  }

  double medianB() {
    return Stats.median(pairs.stream().map(Pair::b).toList());
  }

  /** "a vs b = r×" for each pair, in the order they ran. */
  String listed() {
    List<String> each = new ArrayList<>();
    for (Pair p : pairs) {
      each.add(Report.fmt(p.a()) + " vs " + Report.fmt(p.b()) + " = " + Report.times(p.ratio()));
    }
    return String.join("; ", each);
  }
}
