package dev.notifier.schemas.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The {@code streams.schemaRegistry} section: a Confluent-compatible Schema Registry (Confluent,
 * Karapace, Redpanda, Apicurio's ccompat API) to read upstream events written in its wire format.
 * Credentials come from the environment or a file, never from the config itself.
 *
 * @param urls one or more base URLs, tried in order (fail-over), e.g. http://registry-1:8081
 * @param usernameEnv basic auth: the environment variable holding the user name
 * @param passwordEnv basic auth: the environment variable holding the password
 * @param passwordFile basic auth: or a file holding the password
 * @param bearerTokenEnv bearer auth: the environment variable holding the token
 * @param bearerTokenFile bearer auth: or a file holding the token
 * @param trustStore a PKCS12 trust store for the registry's TLS certificate (default: the JVM's)
 * @param trustStorePasswordEnv the environment variable holding its password
 * @param timeout how long one request may take (default 5 s)
 * @param cacheSize how many schemas are kept by id (default 1000)
 * @param outputs how the send, status and dead-letter topics are written: {@code single-object} (default)
 *     or {@code registry}, the Confluent wire format (see {@link RegistryOutputs}); the retry and wait
 *     tiers stay single-object either way
 * @param autoRegister with outputs {@code registry}: register the notifier's schema under the subject
 *     when the registry lacks it (default false: the subject's owners register it)
 */
public record RegistrySettings(
    @JsonProperty("urls") List<String> urls,
    @JsonProperty("usernameEnv") String usernameEnv,
    @JsonProperty("passwordEnv") String passwordEnv,
    @JsonProperty("passwordFile") String passwordFile,
    @JsonProperty("bearerTokenEnv") String bearerTokenEnv,
    @JsonProperty("bearerTokenFile") String bearerTokenFile,
    @JsonProperty("trustStore") String trustStore,
    @JsonProperty("trustStorePasswordEnv") String trustStorePasswordEnv,
    @JsonProperty("timeout") Duration timeout,
    @JsonProperty("cacheSize") Integer cacheSize,
    @JsonProperty("outputs") String outputs,
    @JsonProperty("autoRegister") Boolean autoRegister) {

  public RegistrySettings {
    if (urls == null || urls.isEmpty()) {
      throw new IllegalArgumentException("streams.schemaRegistry.urls is missing: give the registry's base URL(s), "
          + "e.g. [http://registry:8081]");
    }
    for (String url : urls) {
      String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
        throw new IllegalArgumentException("streams.schemaRegistry.urls has '" + url + "': a registry URL starts "
            + "with http:// or https://, e.g. http://registry:8081");
      }
    }
    urls = List.copyOf(urls);
    if (usernameEnv != null && passwordEnv == null && passwordFile == null) {
      throw new IllegalArgumentException("streams.schemaRegistry.usernameEnv is " + usernameEnv + " but no password "
          + "is given: set passwordEnv or passwordFile");
    }
    if ((bearerTokenEnv != null || bearerTokenFile != null) && usernameEnv != null) {
      throw new IllegalArgumentException("streams.schemaRegistry has both basic auth (usernameEnv) and a bearer "
          + "token: keep one");
    }
    timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("streams.schemaRegistry.timeout is " + timeout + ": it must be positive, "
          + "e.g. PT5S");
    }
    cacheSize = cacheSize == null ? 1000 : cacheSize;
    if (cacheSize < 1) {
      throw new IllegalArgumentException("streams.schemaRegistry.cacheSize is " + cacheSize + ": keep at least 1");
    }
    outputs = OutputFormat.parse("streams.schemaRegistry.outputs", outputs).configValue();
    autoRegister = autoRegister != null && autoRegister;
  }

  /** The format the send, status and dead-letter topics are written in. */
  public OutputFormat outputFormat() {
    return OutputFormat.parse("streams.schemaRegistry.outputs", outputs);
  }

  /** These settings writing the output topics in {@code format}, registering the schemas if {@code register}. */
  public RegistrySettings withOutputs(OutputFormat format, boolean register) {
    return new RegistrySettings(urls, usernameEnv, passwordEnv, passwordFile, bearerTokenEnv, bearerTokenFile,
        trustStore, trustStorePasswordEnv, timeout, cacheSize, format.configValue(), register);
  }

  public static RegistrySettings of(String... urls) {
    return new RegistrySettings(List.of(urls), null, null, null, null, null, null, null, null, null, null, null);
  }

  /** These settings with other URLs (a command line's {@code --registry}), credentials and TLS kept. */
  public RegistrySettings withUrls(List<String> otherUrls) {
    return new RegistrySettings(otherUrls, usernameEnv, passwordEnv, passwordFile, bearerTokenEnv, bearerTokenFile,
        trustStore, trustStorePasswordEnv, timeout, cacheSize, outputs, autoRegister);
  }

  /**
   * The Authorization header value, resolved from the environment and files now (start-up), or null
   * without credentials; a named variable or file that is missing stops start-up naming it.
   */
  String authorization(Function<String, String> env) {
    if (bearerTokenEnv != null || bearerTokenFile != null) {
      return "Bearer " + secret("bearerTokenEnv", bearerTokenEnv, "bearerTokenFile", bearerTokenFile, env);
    }
    if (usernameEnv != null) {
      String user = env.apply(usernameEnv);
      if (user == null || user.isBlank()) {
        throw new IllegalArgumentException("streams.schemaRegistry.usernameEnv names " + usernameEnv + ", which is "
            + "not set: export it with the registry user");
      }
      String password = secret("passwordEnv", passwordEnv, "passwordFile", passwordFile, env);
      return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return null;
  }

  private static String secret(String envKey, String envName, String fileKey, String file,
      Function<String, String> env) {
    if (envName != null) {
      String value = env.apply(envName);
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException("streams.schemaRegistry." + envKey + " names " + envName + ", which is not "
            + "set: export it, or use " + fileKey);
      }
      return value;
    }
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("streams.schemaRegistry." + fileKey + " is " + file + ", which cannot be "
          + "read (" + e.getMessage() + "): check the path and its permissions");
    }
  }
}
