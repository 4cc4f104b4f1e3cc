package dev.notifier.schemas.integrity;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@code integrity:} section of a config file, shared by the streams app, the workers and {@code notifier dlt
 * replay}: the mode, the keys and the key new records are signed with.
 *
 * <pre>{@code
 * integrity:
 *   mode: require            # off (default) | sign | require
 *   signWith: k2             # the key new records are signed with
 *   keys:
 *     - id: k2
 *       secretEnv: NOTIFIER_INTEGRITY_K2      # base64 of >= 32 random bytes
 *     - id: k1
 *       secretFile: /etc/notifier/integrity-k1
 * }</pre>
 *
 * <p>The structure is checked when the file is read, the secrets when {@link #keyring} reads them; every problem
 * names the key, the value (never a secret's) and the fix.
 */
public record IntegritySettings(
    @JsonProperty("mode") IntegrityMode mode,
    @JsonProperty("signWith") String signWith,
    @JsonProperty("keys") List<IntegrityKey> keys) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");

  public IntegritySettings {
    mode = mode == null ? IntegrityMode.OFF : mode;
    keys = keys == null ? List.of() : List.copyOf(keys);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      IntegrityKey key = keys.get(i);
      String where = "integrity.keys[" + i + "]";
      if (key == null || key.id() == null || !ID.matcher(key.id()).matches()) {
        throw new IllegalArgumentException(where + ".id '" + (key == null ? null : key.id()) + "' is not a key id: "
            + "give each key an id of 1 to 32 letters, digits, '.', '_' or '-' (e.g. k2026-12)");
      }
      if (!ids.add(key.id())) {
        throw new IllegalArgumentException(where + ".id '" + key.id() + "' is given twice: each key needs an id of "
            + "its own");
      }
      if ((key.secretEnv() == null) == (key.secretFile() == null)) {
        throw new IllegalArgumentException(where + " (id '" + key.id() + "') needs exactly one of secretEnv (the "
            + "name of an environment variable) or secretFile (a path) holding the base64 secret, not "
            + (key.secretEnv() == null ? "neither" : "both"));
      }
      if (key.secretEnv() != null && key.secretEnv().isBlank() || key.secretFile() != null && key.secretFile().isBlank()) {
        throw new IllegalArgumentException(where + " (id '" + key.id() + "'): secretEnv or secretFile is empty: name "
            + "the environment variable or the file that holds the secret");
      }
    }
    if (signWith != null && !ids.contains(signWith)) {
      throw new IllegalArgumentException("integrity.signWith '" + signWith + "' is not the id of a key in "
          + "integrity.keys " + ids + ": add that key to the list, or sign with one of them");
    }
    if (mode.signs() && signWith == null) {
      throw new IllegalArgumentException("integrity.mode '" + mode.name().toLowerCase(java.util.Locale.ROOT)
          + "' needs integrity.signWith (the id of the key new records are signed with) and that key in "
          + "integrity.keys; or set mode: off");
    }
  }

  /** No signing, no checks. */
  public static IntegritySettings off() {
    return new IntegritySettings(IntegrityMode.OFF, null, List.of());
  }

  /**
   * Reads every key's secret ({@code env} gives environment variables): the ring this process signs and checks with.
   * A missing or short secret stops start-up, naming the key and where it was looked for, never the secret.
   */
  public Keyring keyring(Function<String, String> env) {
    if (!mode.signs()) {
      return Keyring.off();
    }
    Map<String, byte[]> secrets = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      IntegrityKey key = keys.get(i);
      String where = "integrity.keys[" + i + "] (id '" + key.id() + "')";
      String text;
      String source;
      if (key.secretEnv() != null) {
        source = "environment variable " + key.secretEnv();
        text = env.apply(key.secretEnv());
        if (text == null || text.isBlank()) {
          throw new IllegalArgumentException(where + ": secretEnv " + key.secretEnv() + " is not set or empty: "
              + "export it with the key's base64 secret (make one with: openssl rand -base64 32)");
        }
      } else {
        source = "file " + key.secretFile();
        try {
          text = Files.readString(Path.of(key.secretFile()), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
          throw new IllegalArgumentException(where + ": secretFile " + key.secretFile() + " cannot be read ("
              + e.getClass().getSimpleName() + "): give the path of a file this process may read, holding the "
              + "key's base64 secret");
        }
      }
      byte[] secret;
      try {
        secret = Base64.getDecoder().decode(text.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": the secret in " + source + " is not base64: put base64 of "
            + "at least " + Keyring.MIN_KEY_BYTES + " random bytes there (openssl rand -base64 32)");
      }
      if (secret.length < Keyring.MIN_KEY_BYTES) {
        throw new IllegalArgumentException(where + ": the secret in " + source + " is " + secret.length
            + " bytes; an HMAC-SHA256 key needs at least " + Keyring.MIN_KEY_BYTES + " random bytes: make one with "
            + "openssl rand -base64 32");
      }
      secrets.put(key.id(), secret);
    }
    return new Keyring(mode, signWith, secrets);
  }
}
