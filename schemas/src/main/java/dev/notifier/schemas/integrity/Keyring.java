package dev.notifier.schemas.integrity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The keys a process signs and checks notifications with (see {@link IntegritySettings}). A signature is the
 * header {@value #HEADER} = {@code keyId:base64(HMAC-SHA256)} over the record's key bytes and value bytes, each
 * prefixed with its length (-1 for null), after the label {@value #LABEL}: a key cannot be shifted into the value,
 * nor a signature of another kind of record reused. New records are signed with {@code signWith}; a signature by
 * any key of the ring is valid, so keys rotate without a stop (add the new key everywhere, switch
 * {@code signWith}, remove the old key). MACs are compared in constant time. No secret is ever part of a string
 * this class makes.
 */
public final class Keyring {

  /** The header that carries the signature. */
  public static final String HEADER = "notifier.signature";
  /** The shortest secret accepted, in bytes: HMAC-SHA256's output size. */
  public static final int MIN_KEY_BYTES = 32;
  static final String LABEL = "notifier.notification.v1";
  private static final String ALGORITHM = "HmacSHA256";
  private static final Keyring OFF = new Keyring(IntegrityMode.OFF, null, Map.of());

  private final IntegrityMode mode;
  private final String signWith;
  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();

  Keyring(IntegrityMode mode, String signWith, Map<String, byte[]> secrets) {
    this.mode = mode;
    this.signWith = signWith;
    secrets.forEach((id, secret) -> keys.put(id, new SecretKeySpec(secret, ALGORITHM)));
    if (mode.signs() && !keys.containsKey(signWith)) {
      throw new IllegalArgumentException("integrity.signWith '" + signWith + "' is not a key of the ring " + keys.keySet());
    }
  }

  /** A ring that neither signs nor checks. */
  public static Keyring off() {
    return OFF;
  }

  public IntegrityMode mode() {
    return mode;
  }

  /** True when records written to the send, retry and wait topics are signed. */
  public boolean signs() {
    return mode.signs();
  }

  /** True when a record without a valid signature is refused. */
  public boolean requires() {
    return mode == IntegrityMode.REQUIRE;
  }

  /** The id of the key new records are signed with; null when off. */
  public String signWith() {
    return signWith;
  }

  /** Replaces any signature in {@code headers} with one over {@code key} and {@code value}, by {@link #signWith}. */
  public void sign(Headers headers, byte[] key, byte[] value) {
    if (!signs()) {
      return;
    }
    headers.remove(HEADER);
    headers.add(HEADER, signature(key, value).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * {@link #sign(Headers, byte[], byte[])} for a record of a string-keyed topic (the send, retry and wait
   * topics): its key bytes are the key in UTF-8, as Kafka's string serializer writes it.
   */
  public void sign(Headers headers, String key, byte[] value) {
    sign(headers, keyBytes(key), value);
  }

  /** {@link #check(Headers, byte[], byte[])} for a record of a string-keyed topic (see {@link #sign(Headers, String, byte[])}). */
  public Verdict check(Headers headers, String key, byte[] value) {
    return check(headers, keyBytes(key), value);
  }

  private static byte[] keyBytes(String key) {
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }

  /** The header value a record with {@code key} and {@code value} is signed with: {@code keyId:base64}. */
  public String signature(byte[] key, byte[] value) {
    if (!signs()) {
      throw new IllegalStateException("integrity is off: nothing to sign with");
    }
    return signWith + ":" + Base64.getEncoder().encodeToString(mac(keys.get(signWith), key, value));
  }

  /**
   * What the signature in {@code headers} says about {@code key} and {@code value}: valid, missing, by a key not in
   * the ring, malformed, or not matching (the record was changed, or signed with another secret). The last
   * {@value #HEADER} header counts; a record with two is refused as malformed.
   */
  public Verdict check(Headers headers, byte[] key, byte[] value) {
    int count = 0;
    Header last = null;
    for (Header h : headers.headers(HEADER)) {
      count++;
      last = h;
    }
    if (count == 0) {
      return Verdict.UNSIGNED;
    }
    if (count > 1) {
      return Kind.MALFORMED.because("the record carries " + count + " " + HEADER + " headers");
    }
    String text = last.value() == null ? "" : new String(last.value(), StandardCharsets.US_ASCII);
    int colon = text.indexOf(':');
    if (colon <= 0) {
      return Kind.MALFORMED.because("the " + HEADER + " header is not keyId:base64");
    }
    String id = text.substring(0, colon);
    SecretKeySpec secret = keys.get(id);
    if (secret == null) {
      return Kind.UNKNOWN_KEY.because("it is signed with key id '" + printable(id) + "', which is not in "
          + "integrity.keys " + keys.keySet());
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(text.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      return Kind.MALFORMED.because("the " + HEADER + " header's MAC is not base64");
    }
    // constant time; a truncated or padded MAC differs in length and fails too
    if (!MessageDigest.isEqual(mac(secret, key, value), given)) {
      return Kind.MISMATCH.because("its MAC by key id '" + id + "' does not match its key and value");
    }
    return Kind.VALID.because("signed with key id '" + id + "'");
  }

  private static byte[] mac(SecretKeySpec secret, byte[] key, byte[] value) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(secret);
      mac.update(LABEL.getBytes(StandardCharsets.US_ASCII));
      update(mac, key);
      update(mac, value);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  private static void update(Mac mac, byte[] bytes) {
    mac.update(ByteBuffer.allocate(4).putInt(bytes == null ? -1 : bytes.length).array());
    if (bytes != null) {
      mac.update(bytes);
    }
  }

  private static String printable(String id) {
    String cut = id.length() > 32 ? id.substring(0, 32) + "…" : id;
    return cut.replaceAll("[^A-Za-z0-9._-]", "?");
  }

  @Override
  public String toString() {
    return "Keyring[mode=" + mode + ", signWith=" + signWith + ", keys=" + keys.keySet() + "]";
  }

  /** The outcome of {@link #check}, with why. */
  public record Verdict(Kind kind, String reason) {

    /** A record without the header. */
    public static final Verdict UNSIGNED = new Verdict(Kind.UNSIGNED, "the record has no " + HEADER + " header");

    public boolean valid() {
      return kind == Kind.VALID;
    }

    /** The dead letter's kind for a refused record: {@code signature-missing}, {@code signature-unknown-key}, … */
    public String deadLetterKind() {
      return switch (kind) {
        case VALID -> "signature-valid";
        case UNSIGNED -> "signature-missing";
        case UNKNOWN_KEY -> "signature-unknown-key";
        case MALFORMED -> "signature-malformed";
        case MISMATCH -> "signature-mismatch";
      };
    }
  }

  /** What a check found. */
  public enum Kind {
    VALID, UNSIGNED, UNKNOWN_KEY, MALFORMED, MISMATCH;

    Verdict because(String reason) {
      return new Verdict(this, reason);
    }
  }
}
