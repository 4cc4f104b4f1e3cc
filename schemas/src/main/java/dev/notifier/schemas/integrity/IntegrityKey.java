package dev.notifier.schemas.integrity;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One key of the {@code integrity.keys} list: its id (written in every signature made with it) and where its
 * secret is read from — an environment variable or a file, never the config file itself. The secret is
 * base64 of at least {@value Keyring#MIN_KEY_BYTES} random bytes ({@code openssl rand -base64 32}).
 */
public record IntegrityKey(
    @JsonProperty("id") String id,
    @JsonProperty("secretEnv") String secretEnv,
    @JsonProperty("secretFile") String secretFile) {

  @Override
  public String toString() {
    return "IntegrityKey[id=" + id + (secretEnv != null ? ", secretEnv=" + secretEnv : "")
        + (secretFile != null ? ", secretFile=" + secretFile : "") + "]";
  }
}
