package dev.notifier.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ChartTest {

  @Test
  void aClassOrHourWithMarkupIsShownAsTextInTheSvg() {
    Map<String, Map<String, Long>> perHour = new TreeMap<>();
    perHour.put("2026-12-04T09<b>", Map.of("<script>alert('x')</script>", 3L));

    String svg = Chart.perHour(perHour);

    assertThat(svg).doesNotContain("<script>", "<b>")
        .contains("<title>2026-12-04T09&lt;b&gt; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;: 3</title>")
        .contains(">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</text>");
  }
}
