package dev.notifier.schemas.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyringTest {

  static final String K1 = secret(1);
  static final String K2 = secret(2);
  static final Map<String, String> ENV = Map.of("K1", K1, "K2", K2);

  static String secret(int seed) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) (seed * 37 + 11));
    b[0] = (byte) seed;
    return Base64.getEncoder().encodeToString(b);
  }

  static Keyring ring(IntegrityMode mode, String signWith, String... ids) {
    List<IntegrityKey> keys = Arrays.stream(ids).map(id -> new IntegrityKey(id, id.toUpperCase(), null)).toList();
    return new IntegritySettings(mode, signWith, keys).keyring(ENV::get);
  }

  private static final byte[] KEY = "n-1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = "the notification's bytes".getBytes(StandardCharsets.UTF_8);

  private static Headers signed(Keyring ring, byte[] key, byte[] value) {
    Headers headers = new RecordHeaders();
    ring.sign(headers, key, value);
    return headers;
  }

  @Test
  void aGoodSignaturePassesAndAnyChangeFailsIt() {
    Keyring ring = ring(IntegrityMode.REQUIRE, "k1", "k1");
    Headers headers = signed(ring, KEY, VALUE);
    assertThat(new String(headers.lastHeader(Keyring.HEADER).value(), StandardCharsets.US_ASCII)).startsWith("k1:");
    assertThat(ring.check(headers, KEY, VALUE).valid()).isTrue();

    byte[] tampered = VALUE.clone();
    tampered[3] ^= 1;
    assertThat(ring.check(headers, KEY, tampered).kind()).isEqualTo(Keyring.Kind.MISMATCH);
    assertThat(ring.check(headers, "n-2".getBytes(StandardCharsets.UTF_8), VALUE).kind())
        .isEqualTo(Keyring.Kind.MISMATCH);
    assertThat(ring.check(headers, (byte[]) null, VALUE).kind()).isEqualTo(Keyring.Kind.MISMATCH);
    // key and value bytes are length-prefixed: moving a byte across the boundary is a change
    assertThat(ring.check(headers, "n-1t".getBytes(StandardCharsets.UTF_8),
        "he notification's bytes".getBytes(StandardCharsets.UTF_8)).kind()).isEqualTo(Keyring.Kind.MISMATCH);
  }

  @Test
  void missingUnknownTruncatedAndMalformedSignaturesFail() {
    Keyring ring = ring(IntegrityMode.REQUIRE, "k1", "k1");
    assertThat(ring.check(new RecordHeaders(), KEY, VALUE).kind()).isEqualTo(Keyring.Kind.UNSIGNED);
    assertThat(ring.check(new RecordHeaders(), KEY, VALUE).deadLetterKind()).isEqualTo("signature-missing");

    Keyring other = ring(IntegrityMode.REQUIRE, "k2", "k2");
    Keyring.Verdict unknown = ring.check(signed(other, KEY, VALUE), KEY, VALUE);
    assertThat(unknown.kind()).isEqualTo(Keyring.Kind.UNKNOWN_KEY);
    assertThat(unknown.reason()).contains("'k2'").contains("[k1]");

    String good = ring.signature(KEY, VALUE);
    Headers truncated = new RecordHeaders().add(Keyring.HEADER,
        good.substring(0, good.length() - 8).getBytes(StandardCharsets.US_ASCII));
    assertThat(ring.check(truncated, KEY, VALUE).valid()).isFalse();

    // same id, another secret: a forger who knows the id but not the key
    Keyring forger = new IntegritySettings(IntegrityMode.REQUIRE, "k1", List.of(new IntegrityKey("k1", "K2", null)))
        .keyring(ENV::get);
    assertThat(ring.check(signed(forger, KEY, VALUE), KEY, VALUE).kind()).isEqualTo(Keyring.Kind.MISMATCH);

    assertThat(ring.check(new RecordHeaders().add(Keyring.HEADER, "nocolon".getBytes()), KEY, VALUE).kind())
        .isEqualTo(Keyring.Kind.MALFORMED);
    assertThat(ring.check(new RecordHeaders().add(Keyring.HEADER, "k1:***".getBytes()), KEY, VALUE).kind())
        .isEqualTo(Keyring.Kind.MALFORMED);
    Headers twice = signed(ring, KEY, VALUE);
    twice.add(Keyring.HEADER, ring.signature(KEY, VALUE).getBytes(StandardCharsets.US_ASCII));
    assertThat(ring.check(twice, KEY, VALUE).kind()).isEqualTo(Keyring.Kind.MALFORMED);
  }

  @Test
  void anOldKeyStillInTheRingPassesAndSigningReplacesTheSignature() {
    Keyring old = ring(IntegrityMode.REQUIRE, "k1", "k1");
    Keyring rotated = ring(IntegrityMode.REQUIRE, "k2", "k2", "k1");
    Headers byOld = signed(old, KEY, VALUE);
    assertThat(rotated.check(byOld, KEY, VALUE).valid()).isTrue();

    rotated.sign(byOld, KEY, VALUE);
    assertThat(byOld.headers(Keyring.HEADER)).hasSize(1);
    assertThat(new String(byOld.lastHeader(Keyring.HEADER).value(), StandardCharsets.US_ASCII)).startsWith("k2:");
    assertThat(old.check(byOld, KEY, VALUE).kind()).isEqualTo(Keyring.Kind.UNKNOWN_KEY);
  }

  @Test
  void offSignsNothing() {
    Keyring off = IntegritySettings.off().keyring(ENV::get);
    Headers headers = signed(off, KEY, VALUE);
    assertThat(headers.toArray()).isEmpty();
    assertThat(off.requires()).isFalse();
  }

  @Test
  void badConfigNamesKeyValueAndFix() {
    assertThatThrownBy(() -> IntegrityMode.parse("strict")).hasMessageContaining("'strict'")
        .hasMessageContaining("off").hasMessageContaining("require");
    assertThatThrownBy(() -> new IntegritySettings(IntegrityMode.REQUIRE, null, List.of(new IntegrityKey("k1", "K1",
        null)))).hasMessageContaining("integrity.signWith");
    assertThatThrownBy(() -> new IntegritySettings(IntegrityMode.SIGN, "k3", List.of(new IntegrityKey("k1", "K1",
        null)))).hasMessageContaining("integrity.signWith 'k3'").hasMessageContaining("[k1]");
    assertThatThrownBy(() -> new IntegritySettings(IntegrityMode.SIGN, "k1", List.of(new IntegrityKey("k1", "K1",
        "/x")))).hasMessageContaining("integrity.keys[0]").hasMessageContaining("not both");
    assertThatThrownBy(() -> new IntegritySettings(IntegrityMode.SIGN, "k1", List.of(new IntegrityKey("k1", "K1",
        null), new IntegrityKey("k1", "K2", null)))).hasMessageContaining("integrity.keys[1].id 'k1' is given twice");
    assertThatThrownBy(() -> new IntegritySettings(IntegrityMode.SIGN, "k 1", List.of(new IntegrityKey("k 1", "K1",
        null)))).hasMessageContaining("integrity.keys[0].id 'k 1'");
  }

  @Test
  void badSecretsStopStartUpWithoutPrintingThem(@TempDir Path dir) throws Exception {
    String shortSecret = Base64.getEncoder().encodeToString("sixteen bytes!!!".getBytes(StandardCharsets.US_ASCII));
    String notBase64 = "this is a passphrase, not base64 $$$";
    Map<String, String> env = Map.of("SHORT", shortSecret, "TEXT", notBase64);
    assertThatThrownBy(() -> settings(new IntegrityKey("k1", "MISSING", null)).keyring(env::get))
        .hasMessageContaining("secretEnv MISSING is not set").hasMessageContaining("openssl rand -base64 32");
    assertThatThrownBy(() -> settings(new IntegrityKey("k1", "SHORT", null)).keyring(env::get))
        .hasMessageContaining("16 bytes").hasMessageContaining("at least 32")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(shortSecret));
    assertThatThrownBy(() -> settings(new IntegrityKey("k1", "TEXT", null)).keyring(env::get))
        .hasMessageContaining("not base64").satisfies(e -> assertThat(e.getMessage()).doesNotContain("passphrase"));
    assertThatThrownBy(() -> settings(new IntegrityKey("k1", null, dir.resolve("absent").toString())).keyring(env::get))
        .hasMessageContaining("secretFile").hasMessageContaining("cannot be read");

    Path file = dir.resolve("k1");
    Files.writeString(file, K1 + "\n");
    Keyring ring = settings(new IntegrityKey("k1", null, file.toString())).keyring(env::get);
    assertThat(ring.toString()).isEqualTo("Keyring[mode=REQUIRE, signWith=k1, keys=[k1]]").doesNotContain(K1);
    assertThat(settings(new IntegrityKey("k1", null, file.toString())).toString()).doesNotContain(K1);
    assertThat(ring.check(signed(ring(IntegrityMode.REQUIRE, "k1", "k1"), KEY, VALUE), KEY, VALUE).valid()).isTrue();
  }

  private static IntegritySettings settings(IntegrityKey key) {
    return new IntegritySettings(IntegrityMode.REQUIRE, key.id(), List.of(key));
  }
}
