package dev.notifier.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A small client of a Confluent-compatible Schema Registry's REST API, for what notifier needs of
 * it: the writer schema of an id ({@code GET /schemas/ids/{id}}), cached (ids never change meaning,
 * so only the bound of {@link RegistrySettings#cacheSize()} evicts). The URLs are tried in order; a
 * 404 with error 40403 is an unknown id, anything else that is not an answer (refused, timed out,
 * 5xx) moves to the next URL, and when none answers the schema is {@link RegistryUnavailableException
 * unavailable} — never taken for an invalid record.
 */
public final class RegistryClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistrySettings settings;
  private final HttpClient http;
  private final String authorization;
  private final Map<Long, Schema> cache;

  public RegistryClient(RegistrySettings settings, Function<String, String> env) {
    this.settings = settings;
    this.authorization = settings.authorization(env);
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.timeout());
    if (settings.trustStore() != null) {
      builder.sslContext(sslContext(settings, env));
    }
    this.http = builder.build();
    int size = settings.cacheSize();
    this.cache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Schema> eldest) {
        return size() > size;
      }
    });
  }

  /** The writer schema registered under {@code id}. */
  public Schema schemaById(long id) {
    Schema cached = cache.get(id);
    if (cached != null) {
      return cached;
    }
    Schema schema = fetch(id);
    cache.put(id, schema);
    return schema;
  }

  private Schema fetch(long id) {
    Exception last = null;
    for (String base : settings.urls()) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/schemas/ids/"
          + id)).timeout(settings.timeout()).header("Accept", "application/vnd.schemaregistry.v1+json, "
          + "application/json");
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      try {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return parse(id, response.body());
        }
        if (response.statusCode() == 404) {
          throw new UnknownSchemaIdException(id, "the schema registry at " + base + " has no schema with id " + id
              + " (" + errorOf(response.body()) + ")");
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
          last = new IOException("the registry at " + base + " refused the credentials (HTTP " + response.statusCode()
              + "): check streams.schemaRegistry's user and password or token");
        } else {
          last = new IOException("the registry at " + base + " answered HTTP " + response.statusCode() + ": "
              + errorOf(response.body()));
        }
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryUnavailableException("interrupted while asking the schema registry for id " + id, e);
      }
    }
    throw new RegistryUnavailableException("no schema registry answered for schema id " + id + " (" + settings.urls()
        + "): " + (last == null ? "" : last.getMessage()), last);
  }

  private static Schema parse(long id, String body) {
    try {
      JsonNode node = JSON.readTree(body);
      String type = node.path("schemaType").asText("AVRO");
      if (!type.equals("AVRO")) {
        throw new UnknownSchemaIdException(id, "schema id " + id + " is a " + type + " schema; notifier reads Avro");
      }
      return new Schema.Parser().parse(node.path("schema").asText());
    } catch (IOException | SchemaParseException e) {
      throw new UnknownSchemaIdException(id, "the registry's schema " + id + " is not an Avro schema: " + e.getMessage());
    }
  }

  private static String errorOf(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node.path("error_code").asText("?") + " " + node.path("message").asText("");
    } catch (IOException e) {
      return body.length() > 200 ? body.substring(0, 200) : body;
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
