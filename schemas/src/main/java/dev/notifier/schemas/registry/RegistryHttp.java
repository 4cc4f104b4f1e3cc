package dev.notifier.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The registry's HTTP transport: the URLs tried in order, the credentials and TLS trust of
 * {@link RegistrySettings}, its time-out. A URL that does not answer (refused, timed out, 5xx,
 * credentials refused) moves to the next; when none answers the registry is
 * {@link RegistryUnavailableException unavailable}. The Authorization header never appears in a
 * message.
 */
final class RegistryHttp {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The root of Apicurio Registry's Confluent-compatible API, and before it the server's. */
  private static final Pattern APICURIO_CCOMPAT = Pattern.compile("(.*)/apis/ccompat/v\\d+/*");

  /** What a registry answered: the HTTP status, the JSON body, and which URL answered. */
  record Answer(int status, JsonNode body, String base) {

    /** The registry's own error code ({@code error_code}), or the HTTP status without one. */
    int errorCode() {
      return body.path("error_code").asInt(status);
    }

    String error() {
      return errorCode() + " " + body.path("message").asText("");
    }
  }

  private final RegistrySettings settings;
  private final HttpClient http;
  private final String authorization;

  RegistryHttp(RegistrySettings settings, Function<String, String> env) {
    this.settings = settings;
    this.authorization = settings.authorization(env);
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.timeout());
    if (settings.trustStore() != null) {
      builder.sslContext(sslContext(settings, env));
    }
    this.http = builder.build();
  }

  /** A path segment (a subject name) escaped for a URL. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A JSON request body {@code {"schema": "..."}} of a schema's text. */
  static String schemaBody(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  /**
   * The first answer (2xx or a 4xx other than 401/403) of the URLs in order, for {@code what} (said
   * in the message when none answers).
   */
  Answer send(String method, String path, String body, String what) {
    return send(method, base -> Optional.of(base.replaceAll("/+$", "") + path), body, what);
  }

  /**
   * A request to Apicurio Registry's own API (v3) beside its Confluent-compatible one, at each URL that
   * is Apicurio's Confluent-compatible API ({@code …/apis/ccompat/vN}); empty when no URL is one.
   */
  Optional<Answer> sendApicurio(String method, String path, String what) {
    if (settings.urls().stream().noneMatch(b -> APICURIO_CCOMPAT.matcher(b).matches())) {
      return Optional.empty();
    }
    return Optional.of(send(method, base -> {
      Matcher m = APICURIO_CCOMPAT.matcher(base);
      return m.matches() ? Optional.of(m.group(1) + "/apis/registry/v3" + path) : Optional.empty();
    }, null, what));
  }

  private Answer send(String method, Function<String, Optional<String>> url, String body, String what) {
    Exception last = null;
    for (String base : settings.urls()) {
      Optional<String> target = url.apply(base);
      if (target.isEmpty()) {
        continue;
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.get()))
          .timeout(settings.timeout()).header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (body != null) {
        request.header("Content-Type", "application/vnd.schemaregistry.v1+json");
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      try {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Answer answer = new Answer(response.statusCode(), json(response.body()), base);
        int status = response.statusCode();
        if (status == 401 || status == 403) {
          last = new IOException("the registry at " + base + " refused the credentials (HTTP " + status
              + "): check streams.schemaRegistry's user and password or token");
        } else if (status >= 500) {
          last = new IOException("the registry at " + base + " answered HTTP " + status + ": " + answer.error());
        } else {
          return answer;
        }
      } catch (IOException e) {
        last = new IOException(base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryUnavailableException("interrupted while asking the schema registry for " + what, e);
      }
    }
    throw new RegistryUnavailableException("no schema registry answered for " + what + " (" + settings.urls()
        + "): " + (last == null ? "" : last.getMessage()), last);
  }

  private static JsonNode json(String body) {
    try {
      return body == null || body.isBlank() ? MissingNode.getInstance() : JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode().put("message", body.length() > 200 ? body.substring(0, 200) : body);
    }
  }

  private static SSLContext sslContext(RegistrySettings settings, Function<String, String> env) {
    String password = settings.trustStorePasswordEnv() == null ? null : env.apply(settings.trustStorePasswordEnv());
    try (InputStream in = new FileInputStream(settings.trustStore())) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password == null ? null : password.toCharArray());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("streams.schemaRegistry.trustStore " + settings.trustStore() + " cannot be "
          + "read (" + e.getMessage() + "): give a PKCS12 file and its password in trustStorePasswordEnv");
    }
  }
}
