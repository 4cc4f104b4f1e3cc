package dev.notifier.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.schemas.config.UnsubscribeSettings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnsubscribeTokensTest {

  private static final byte[] SECRET = "k3y-0f-at-least-thirty-two-bytes-for-hmac".getBytes(StandardCharsets.UTF_8);
  private static final String ID = "6f1c2a4e-0c9b-3d55-9a57-2f0b1d8e7c11";
  private final UnsubscribeTokens tokens = new UnsubscribeTokens(SECRET);

  @Test
  void aTokenSaysWhichNotificationCategoryAndAddressItWasMintedFor() {
    String token = tokens.mint(ID, "bug", "Alice@Example.com");

    assertThat(token).matches("[A-Za-z0-9_-]+").hasSizeLessThan(300);
    assertThat(tokens.verify(token)).contains(new UnsubscribeTokens.Claim(ID, "bug", "alice@example.com"));
  }

  @Test
  void theAddressIsNotReadableInTheToken() {
    String token = tokens.mint(ID, "bug", "alice@example.com");
    String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.ISO_8859_1);

    assertThat(token + decoded).doesNotContainIgnoringCase("alice").doesNotContain("example.com");
    assertThat(tokens.mint(ID, "bug", "alice@example.com")).as("sealed afresh each time").isNotEqualTo(token);
  }

  @Test
  void aTamperedTokenIsRefused() {
    String token = tokens.mint(ID, "bug", "alice@example.com");
    byte[] bytes = Base64.getUrlDecoder().decode(token);
    for (int i = 0; i < bytes.length; i++) {
      byte[] changed = bytes.clone();
      changed[i] ^= 0x01;
      assertThat(tokens.verify(Base64.getUrlEncoder().withoutPadding().encodeToString(changed)))
          .as("byte %d flipped", i).isEmpty();
    }
    assertThat(tokens.verify(token.substring(0, token.length() - 1))).isEmpty();
    assertThat(tokens.verify(token + "A")).isEmpty();
  }

  @Test
  void aTokenMintedWithAnotherKeyIsRefused() {
    UnsubscribeTokens forger = new UnsubscribeTokens("another-key-of-at-least-thirty-two-bytes!"
        .getBytes(StandardCharsets.UTF_8));

    assertThat(tokens.verify(forger.mint(ID, "bug", "bob@example.com"))).isEmpty();
  }

  @Test
  void garbageIsRefusedNotThrown() {
    assertThat(tokens.verify(null)).isEmpty();
    assertThat(tokens.verify("")).isEmpty();
    assertThat(tokens.verify("not base64 !")).isEmpty();
    assertThat(tokens.verify("AAAA")).isEmpty();
    assertThat(tokens.verify("A".repeat(5000))).isEmpty();
  }

  @Test
  void aShortKeyIsRefusedAndTheSettingsNameTheVariableNeverItsValue() {
    assertThatThrownBy(() -> new UnsubscribeTokens("short".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("at least 32 bytes");
    UnsubscribeSettings settings = new UnsubscribeSettings("https://mail.example.com/", "UNSUB_KEY");
    assertThatThrownBy(() -> settings.tokens(Map.<String, String>of()::get))
        .hasMessageContaining("UNSUB_KEY").hasMessageContaining("not set");
    assertThatThrownBy(() -> settings.tokens(Map.of("UNSUB_KEY", "tiny-secret")::get))
        .hasMessageContaining("UNSUB_KEY").hasMessageNotContaining("tiny-secret");
    assertThat(settings.url("T0K")).isEqualTo("https://mail.example.com/unsubscribe/T0K");
  }

  @Test
  void theBaseUrlIsHttpsWithoutLineBreaks() {
    assertThatThrownBy(() -> new UnsubscribeSettings("http://mail.example.com", "K")).hasMessageContaining("https");
    assertThatThrownBy(() -> new UnsubscribeSettings("https://mail.example.com\r\nBcc: x@example.com", "K"))
        .hasMessageContaining("not a URL");
    assertThatThrownBy(() -> new UnsubscribeSettings("https://mail.example.com/a>b", "K"))
        .hasMessageContaining("not a URL");
    assertThat(new UnsubscribeSettings("http://127.0.0.1:8089", "K").baseUrl()).isEqualTo("http://127.0.0.1:8089");
  }
}
