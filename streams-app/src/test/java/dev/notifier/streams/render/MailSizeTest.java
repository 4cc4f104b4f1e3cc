package dev.notifier.streams.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MailSizeTest {

  @Test
  void mailUpToTheLimitPassesAndOneByteMoreIsTooLarge() {
    Rendered atLimit = new Rendered("s", "t".repeat(MailSize.MAX_BYTES - 2), "h");
    Rendered over = new Rendered("s", "t".repeat(MailSize.MAX_BYTES - 1), "h");

    assertThat(MailSize.check(atLimit, "bug")).isSameAs(atLimit);
    assertThatThrownBy(() -> MailSize.check(over, "bug"))
        .isInstanceOfSatisfying(RenderException.class, e -> assertThat(e.reason()).isEqualTo("too-large"))
        .hasMessageStartingWith("template bug rendered " + (MailSize.MAX_BYTES + 1) + " bytes of mail, over the "
            + "limit of " + MailSize.MAX_BYTES);
  }

  @Test
  void bytesAreCountedInUtf8AndTheHtmlCountsToo() {
    String chinese = "缺".repeat(MailSize.MAX_BYTES / 3 / 2 + 1); // 3 bytes each, in text and again in HTML

    assertThatThrownBy(() -> MailSize.check(new Rendered("s", chinese, chinese), "bug"))
        .isInstanceOf(RenderException.class);
    assertThat(MailSize.check(new Rendered("s", chinese, null), "bug").html()).isNull();
  }

  @Test
  void theCountWithoutEncodingAgreesWithTheEncoder() {
    for (String s : new String[] {"", "plain ascii", "café £", "缺陷 #42", "emoji 😀 and 𝄞", "lone \uD800 high",
        "lone \uDC00 low", "\uD83D"}) {
      assertThat(MailSize.utf8Length(s)).as(s).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
  }
}
