package dev.notifier.testkit.registry;

/**
 * A schema registry a test talks to over its Confluent-compatible REST API: testkit's own
 * {@link SchemaRegistryServer} or a real one ({@link ApicurioRegistry}). What a test needs besides the
 * URL: register a schema the way a producer would have, look one up by id, set a subject's
 * compatibility level, count the requests the notifier makes, and take the registry down (every request
 * answered 503) and up again.
 */
public interface Registry extends AutoCloseable {

  /** The base URL clients are configured with (the Confluent-compatible API's root). */
  String url();

  /** Answers 503 to every request through {@link #url()} until {@link #up()}. */
  void down();

  void up();

  /** Requests made through {@link #url()} so far. */
  int requests();

  /** Registers {@code schema} (Avro JSON) under {@code subject}, as a producer would; returns its id. */
  int register(String subject, String schema);

  /** The schema text registered with {@code id}, or null when the registry does not know the id. */
  String schema(int id);

  /** The compatibility level of {@code subject} (PUT /config/{subject}). */
  void compatibility(String subject, CompatibilityLevel level);

  @Override
  void close();
}
