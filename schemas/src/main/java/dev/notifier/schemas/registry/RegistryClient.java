package dev.notifier.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A small client of a Confluent-compatible Schema Registry's REST API, for what notifier needs of
 * it: the writer schema of an id ({@code GET /schemas/ids/{id}}), cached (ids never change meaning,
 * so only the bound of {@link RegistrySettings#cacheSize()} evicts); a subject's latest version; the
 * id of a schema under a subject (lookup, or register); whether a schema could be a subject's next
 * version ({@code POST /compatibility/subjects/{s}/versions/latest}). A 404 is an answer (unknown id,
 * subject or schema); a registry that does not answer is {@link RegistryUnavailableException
 * unavailable} — never taken for an invalid record (see {@link RegistryHttp}).
 */
public final class RegistryClient {

  private static final int SUBJECT_NOT_FOUND = 40401;
  private static final int SCHEMA_NOT_FOUND = 40403;

  /** A subject's latest version: its number and schema id. */
  public record Version(int version, int id) {
  }

  /** The registry's verdict on a schema as the subject's next version, with its reasons. */
  public record Verdict(boolean compatible, List<String> messages) {
  }

  private final RegistryHttp http;
  private final Map<Long, Schema> cache;
  private final Map<Long, Schema> globalCache;

  public RegistryClient(RegistrySettings settings, Function<String, String> env) {
    this.http = new RegistryHttp(settings, env);
    this.cache = bounded(settings.cacheSize());
    this.globalCache = bounded(settings.cacheSize());
  }

  private static Map<Long, Schema> bounded(int size) {
    return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Schema> eldest) {
        return size() > size;
      }
    });
  }

  /**
   * The writer schema of an Apicurio global id (the {@code apicurio.value.globalId} header of Apicurio's
   * serializers in header mode): an id of Apicurio's own API, not of the Confluent-compatible one, whose
   * ids are content ids — the same number may name another schema there. Asked of Apicurio's own API
   * ({@code GET /apis/registry/v3/ids/globalIds/{id}}) beside a configured {@code …/apis/ccompat/vN} URL.
   */
  public Schema schemaByGlobalId(long globalId) {
    return cached(globalCache, globalId, this::fetchGlobal);
  }

  /** From the cache, else fetched — outside the cache's lock, so one slow registry answer blocks no other id. */
  private static Schema cached(Map<Long, Schema> cache, long id, LongFunction<Schema> fetch) {
    Schema cached = cache.get(id);
    if (cached != null) {
      return cached;
    }
    Schema schema = fetch.apply(id);
    cache.put(id, schema);
    return schema;
  }

  /** The writer schema registered under {@code id}. */
  public Schema schemaById(long id) {
    return cached(cache, id, this::fetch);
  }

  /** The latest version of {@code subject}; empty when the subject is not registered. */
  public Optional<Version> latest(String subject) {
    RegistryHttp.Answer answer = http.send("GET", "/subjects/" + RegistryHttp.segment(subject) + "/versions/latest",
        null, "subject " + subject);
    if (answer.status() == 404 && answer.errorCode() == SUBJECT_NOT_FOUND) {
      return Optional.empty();
    }
    require(answer, "the latest version of subject " + subject);
    return Optional.of(new Version(answer.body().path("version").asInt(), answer.body().path("id").asInt()));
  }

  /** Whether {@code schema} could be registered as the next version of {@code subject}. */
  public Verdict compatibility(String subject, String schema) {
    RegistryHttp.Answer answer = http.send("POST", "/compatibility/subjects/" + RegistryHttp.segment(subject)
        + "/versions/latest?verbose=true", RegistryHttp.schemaBody(schema), "the compatibility of subject " + subject);
    require(answer, "the compatibility of subject " + subject);
    List<String> messages = new ArrayList<>();
    answer.body().path("messages").forEach(m -> messages.add(m.asText()));
    return new Verdict(answer.body().path("is_compatible").asBoolean(false), messages);
  }

  /** The id of {@code schema} under {@code subject}; empty when it is not registered there. */
  public OptionalInt lookup(String subject, String schema) {
    RegistryHttp.Answer answer = http.send("POST", "/subjects/" + RegistryHttp.segment(subject),
        RegistryHttp.schemaBody(schema), "subject " + subject);
    if (answer.status() == 404 && (answer.errorCode() == SUBJECT_NOT_FOUND || answer.errorCode() == SCHEMA_NOT_FOUND)) {
      return OptionalInt.empty();
    }
    require(answer, "the schema id under subject " + subject);
    return OptionalInt.of(answer.body().path("id").asInt());
  }

  /** Registers {@code schema} under {@code subject} (the same schema again keeps its id); returns its id. */
  public int register(String subject, String schema) {
    RegistryHttp.Answer answer = http.send("POST", "/subjects/" + RegistryHttp.segment(subject) + "/versions",
        RegistryHttp.schemaBody(schema), "subject " + subject);
    require(answer, "registering a schema under subject " + subject);
    return answer.body().path("id").asInt();
  }

  private static void require(RegistryHttp.Answer answer, String what) {
    if (answer.status() != 200) {
      throw new RegistryRefusedException(answer.errorCode(), "the schema registry at " + answer.base()
          + " refused " + what + ": HTTP " + answer.status() + ", " + answer.error());
    }
  }

  private Schema fetch(long id) {
    RegistryHttp.Answer answer = http.send("GET", "/schemas/ids/" + id, null, "schema id " + id);
    if (answer.status() == 404) {
      throw new UnknownSchemaIdException(id, "the schema registry at " + answer.base() + " has no schema with id "
          + id + " (" + answer.error() + ")");
    }
    require(answer, "schema id " + id);
    return parse(id, answer.body());
  }

  private Schema fetchGlobal(long id) {
    String what = "Apicurio global id " + id;
    RegistryHttp.Answer answer = http.sendApicurio("GET", "/ids/globalIds/" + id, what).orElseThrow(() ->
        new UnknownSchemaIdException(id, "the event names its schema by Apicurio global id " + id
            + " (header apicurio.value.globalId), an id of Apicurio Registry's own API; none of "
            + "streams.schemaRegistry.urls is Apicurio's Confluent-compatible API (…/apis/ccompat/v7), beside which "
            + "the notifier finds it — name that URL, or let the producer's serializer write content ids "
            + "(apicurio.registry.use-id=contentId)"));
    if (answer.status() == 404) {
      throw new UnknownSchemaIdException(id, "Apicurio Registry at " + answer.base() + " has no schema with global id "
          + id);
    }
    require(answer, what);
    try {
      return new Schema.Parser().parse(answer.body().toString());
    } catch (SchemaParseException e) {
      throw new UnknownSchemaIdException(id, "Apicurio's artifact of global id " + id + " is not an Avro schema: "
          + e.getMessage());
    }
  }

  private static Schema parse(long id, JsonNode node) {
    String type = node.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new UnknownSchemaIdException(id, "schema id " + id + " is a " + type + " schema; notifier reads Avro");
    }
    try {
      return new Schema.Parser().parse(node.path("schema").asText());
    } catch (SchemaParseException e) {
      throw new UnknownSchemaIdException(id, "the registry's schema " + id + " is not an Avro schema: " + e.getMessage());
    }
  }
}
