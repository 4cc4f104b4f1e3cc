package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The paired probes' arithmetic; no benchmark runs here. */
class PairedMaximaTest {

  @Test
  void thePriceIsTheMedianOfThePairsRatiosNotTheRatioOfTheirMedians() {
    // a slow minute (the second pair) drags both probes of its pair down together
    PairedMaxima paired = new PairedMaxima(List.of(new PairedMaxima.Pair(100, 50), new PairedMaxima.Pair(10, 20),
        new PairedMaxima.Pair(12, 10)));

    assertThat(paired.ratio()).isCloseTo(1.2, within(1e-9));
    assertThat(paired.medianA() / paired.medianB()).isCloseTo(0.6, within(1e-9));
  }

  @Test
  void everyPairIsListedInTheOrderItRan() {
    PairedMaxima paired = new PairedMaxima(List.of(new PairedMaxima.Pair(9000, 10000),
        new PairedMaxima.Pair(11000, 10000)));

    assertThat(paired.listed()).isEqualTo(Report.fmt(9000) + " vs " + Report.fmt(10000) + " = "
        + Report.times(0.9) + "; " + Report.fmt(11000) + " vs " + Report.fmt(10000) + " = " + Report.times(1.1));
    assertThat(paired.ratio()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void noPairsMeansNoRatio() {
    assertThat(new PairedMaxima(List.of()).ratio()).isNaN();
  }
}
