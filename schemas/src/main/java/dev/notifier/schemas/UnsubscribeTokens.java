package dev.notifier.schemas;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token of a one-click unsubscribe link (RFC 8058): the worker mints one per message
 * ({@code List-Unsubscribe: <https://BASE/unsubscribe/TOKEN>}), the webhook receiver verifies it
 * and turns it into an {@code UNSUBSCRIBE} feedback record for the message's category. Both sides
 * use this class with the same secret, so what is read is exactly what is written.
 *
 * <p>A token is URL-safe base64 (no padding) of {@code payload || HMAC-SHA256(payload)}; the payload
 * holds a version, the notification id, the category (the template name, as suppressions name
 * categories) and the recipient's address <em>sealed</em> with AES-GCM. The address is sealed, not
 * written, because a URL ends up in proxy logs, browser histories and mail scanners' reports: no
 * address is readable in it. It is carried at all, rather than looked up from the notification id,
 * because the receiver is a small stateless process with no access to the send ledger, feedback is
 * keyed by address, and a one-click POST must be answered at once. The HMAC covers everything and is
 * compared in constant time: without the secret nobody can mint a token for someone else's address,
 * or change a token's category or id. The MAC and the sealing keys are derived from the one secret
 * ({@code HMAC-SHA256(secret, label)}), so a single environment variable configures both.
 */
public final class UnsubscribeTokens {

  /** What a verified token says. */
  public record Claim(String notificationId, String category, String address) {
  }

  /** The shortest secret accepted, in bytes: HMAC-SHA256's own block of key material. */
  public static final int MIN_SECRET = 32;
  /** The longest token read; a real one is about 200 characters. */
  static final int MAX_TOKEN = 1024;
  private static final int VERSION = 1;
  private static final int MAC_LENGTH = 32;
  private static final int NONCE = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec macKey;
  private final SecretKeySpec sealKey;

  /**
   * Tokens signed with {@code secret} (at least {@value #MIN_SECRET} bytes).
   *
   * @throws IllegalArgumentException when it is shorter (its value is never in the message)
   */
  public UnsubscribeTokens(byte[] secret) {
    if (secret == null || secret.length < MIN_SECRET) {
      throw new IllegalArgumentException("the unsubscribe key must be at least " + MIN_SECRET
          + " bytes (e.g. openssl rand -base64 48)");
    }
    this.macKey = new SecretKeySpec(derive(secret, "notifier unsubscribe mac"), "HmacSHA256");
    this.sealKey = new SecretKeySpec(Arrays.copyOf(derive(secret, "notifier unsubscribe seal"), 16), "AES");
  }

  /** The token for the message {@code notificationId} of {@code category} to {@code address}. */
  public String mint(String notificationId, String category, String address) {
    try {
      byte[] nonce = new byte[NONCE];
      RANDOM.nextBytes(nonce);
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(128, nonce));
      byte[] sealed = gcm.doFinal(NotificationIds.normalize(address).getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeUTF(notificationId);
      out.writeUTF(category);
      out.write(nonce);
      out.writeShort(sealed.length);
      out.write(sealed);
      byte[] payload = bytes.toByteArray();
      byte[] token = Arrays.copyOf(payload, payload.length + MAC_LENGTH);
      System.arraycopy(mac(payload), 0, token, payload.length, MAC_LENGTH);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot mint an unsubscribe token", e);
    }
  }

  /** What {@code token} says, if it was minted with this secret and not changed since; empty otherwise. */
  public Optional<Claim> verify(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    if (bytes.length <= MAC_LENGTH) {
      return Optional.empty();
    }
    byte[] payload = Arrays.copyOf(bytes, bytes.length - MAC_LENGTH);
    byte[] given = Arrays.copyOfRange(bytes, bytes.length - MAC_LENGTH, bytes.length);
    if (!MessageDigest.isEqual(mac(payload), given)) {
      return Optional.empty();
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
      if (in.readUnsignedByte() != VERSION) {
        return Optional.empty();
      }
      String id = in.readUTF();
      String category = in.readUTF();
      byte[] nonce = in.readNBytes(NONCE);
      byte[] sealed = in.readNBytes(in.readUnsignedShort());
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(128, nonce));
      String address = new String(gcm.doFinal(sealed), StandardCharsets.UTF_8);
      return Optional.of(new Claim(id, category, address));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(macKey);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static byte[] derive(byte[] secret, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
