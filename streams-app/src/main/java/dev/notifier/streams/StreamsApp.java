package dev.notifier.streams;

import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicCheck;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.streams.metrics.TopologyMetrics;
import dev.notifier.streams.route.AccountRouter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.utils.Utils;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryOutputs;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the notifier topology as a Kafka Streams application. Its counters ({@link TopologyMetrics})
 * and the Kafka Streams client metrics ({@code kafka_stream_*}, {@code kafka_consumer_*},
 * {@code kafka_producer_*}) are registered in the {@link MeterRegistry} it is given.
 */
public final class StreamsApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);

  /**
   * The largest record the app writes: an invalid event copied as received. Must cover the events
   * topic's {@code max.message.bytes}; the invalid topic's must be as large as the events topic's.
   */
  static final int MAX_FORWARDED_RECORD_BYTES = 16 * 1024 * 1024;

  /** How long {@link #close} waits for the stream threads to commit and stop. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final CountDownLatch running = new CountDownLatch(1);

  private final KafkaStreamsMetrics clientMetrics;

  private final Properties clientProperties;
  private final String schemaTopic;
  private final KafkaSchemaStore newerSchemas;
  /** Why the app stopped in ERROR, when the operator can fix it in the config; null otherwise. */
  private volatile String fatalReason;
  /** The temporary state directory the app made for itself (no {@code streams.stateDir}); null: one configured. */
  private final Path ownStateDir;

  /** An app whose metrics nobody scrapes. */
  public StreamsApp(KafkaSettings kafka, StreamsSettings settings, AccountRouter router) {
    this(kafka, settings, router, new SimpleMeterRegistry());
  }

  /**
   * An app on the cluster of {@code kafka}; first of all checks that its topics exist with the configs
   * they need, and throws a {@link dev.notifier.schemas.admin.TopicsNotReadyException} naming each one
   * that does not ({@link TopicCheck}), before any client is made.
   */
  public StreamsApp(KafkaSettings kafka, StreamsSettings settings, AccountRouter router, MeterRegistry registry) {
    this(kafka, settings, router, registry, Keyring.off());
  }

  /** As above, signing what it writes to the send topic with {@code integrity} when that signs. */
  public StreamsApp(KafkaSettings kafka, StreamsSettings settings, AccountRouter router, MeterRegistry registry,
      Keyring integrity) {
    TopicCheck.requireReady(kafka.clientProperties(), kafka.topics(), topicsUsed(kafka.topics()), "the streams app")
        .forEach(f -> LOG.warn("topic {}: {}", f.topic(), f.problem()));
    RegistryClient schemaRegistry = settings.schemaRegistry() == null ? null
        : new RegistryClient(settings.schemaRegistry(), System::getenv);
    // with a registry: the status topic read in both formats, written as schemaRegistry.outputs says (its
    // schema id and the dead-letter topic's settled now, so a subject without the notifier's schema stops
    // start-up, naming the fix: the workers of the same config need both)
    // feedback and suppressions of a newer release (a schema this one does not ship) are read with the schema its
    // writer published to the schema topic: an unreadable suppression would be skipped and its address mailed
    this.newerSchemas = KafkaSchemaStore.of(kafka);
    Topics read = kafka.topics().readingNewer(newerSchemas);
    Topics topics = schemaRegistry == null ? read
        : RegistryOutputs.writing(read, schemaRegistry, settings.schemaRegistry());
    TopologySettings topology = settings.topology(topics, router).withMetrics(new TopologyMetrics(registry))
        .withIntegrity(integrity);
    // key ids and mode only: a Keyring never prints a secret
    LOG.info("integrity {}", integrity);
    this.clientProperties = kafka.clientProperties();
    this.schemaTopic = kafka.topics().schemas().name();
    StreamsBuilder builder = new StreamsBuilder();
    NotifierTopology.buildTopology(builder, topology, schemaRegistry);
    Properties props = properties(kafka, settings);
    this.ownStateDir = settings.stateDir() == null ? Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG)) : null;
    this.streams = new KafkaStreams(builder.build(), props);
    // a stream thread that dies stops the whole instance (Kafka Streams' default), saying why when the cause is one
    // the operator must fix in the config
    streams.setUncaughtExceptionHandler(failure -> {
      StreamsMembership.explain(failure, props).ifPresent(why -> {
        fatalReason = why;
        LOG.error("the streams app stops: {}", why);
      });
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((newState, oldState) -> {
      LOG.info("streams state {} -> {}", oldState, newState);
      if (newState == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    this.clientMetrics = new KafkaStreamsMetrics(streams);
    clientMetrics.bindTo(registry);
  }

  /** What the stream threads' consumer fetches per partition at most (the consumer's default: 1 MiB). */
  static final int MAX_PARTITION_FETCH_BYTES = 64 * 1024;

  /** The Kafka Streams configuration of an instance (the benchmark runs every variant with it). */
  public static Properties properties(KafkaSettings kafka, StreamsSettings settings) {
    Properties props = kafka.clientProperties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(settings));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads());
    // events -> send topic exactly once: dedup store, send and status writes commit atomically
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // a directory, feedback or suppression record that cannot be read is logged and skipped, never a crash loop
    // (events are read as bytes and parsed by the topology, which forwards what it cannot read to the invalid
    // topic); one whose schema could not be looked up stops the app instead, which then reads it on restart
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        UnreadableRecords.class.getName());
    // a record that cannot be written (too large, invalid, unserializable) is logged and dropped, never a crash loop
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, UnwritableRecords.class.getName());
    // internal topics take the broker's default replication factor
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    // start from the beginning of the directory and event topics on first start
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // an invalid event is forwarded to the invalid topic as received, however large the events topic let it be;
    // at the default 1 MiB an oversized event failed that write and stopped the app on every restart
    props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), MAX_FORWARDED_RECORD_BYTES);
    // the directory's global thread handles processing errors as the stream threads do (Kafka 5's default; KIP-1270's
    // switch is deprecated from birth and goes when that becomes the only behaviour: the build's one deprecation warning)
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // a notification reaches the workers when its transaction commits: the interval bounds its wait here
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
    // ...if the thread comes back from waiting for input in time: a stream thread that has processed records and
    // finds the interval not yet over waits in poll for more and commits only when that poll returns, at Kafka
    // Streams' default after up to 100 ms when nothing comes, so the last events of every burst waited that long.
    // Polling for a third of the interval commits them within the interval and a third (the cluster's own
    // kafka.properties may set poll.ms)
    props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, pollMillis(settings.commitInterval()));
    // rendered mail (text + HTML, ~2 KB) compresses several-fold: a quarter of the bytes for the
    // broker to write, replicate and serve to the workers; batches sized for a commit's worth of mail
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
    // under a backlog the events' hop and the by-recipient hop share the thread evenly: at the consumer's 1 MiB
    // per partition a fetch of events runs thousands ahead of the repartitioned candidates, so the thread works
    // through the first hop alone for seconds while no mail is rendered (BacklogIntegrationTest)
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), MAX_PARTITION_FETCH_BYTES);
    // a send topic given more partitions (notifier topics grow) is written to within half a minute, as the workers
    // take them, not after Kafka's 5-minute metadata refresh; a refresh set under kafka.properties wins
    if (!props.containsKey(CommonClientConfigs.METADATA_MAX_AGE_CONFIG)) {
      props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.METADATA_MAX_AGE_CONFIG),
          KafkaSettings.METADATA_MAX_AGE.toMillis());
    }
    // an instance that dies is given up in 6 s, not 45 (one that stops leaves the group at once: close)
    StreamsMembership.configure(props);
    return props;
  }

  /** Kafka Streams' default {@code poll.ms}: how long a stream thread waits for input before it looks at its commits. */
  public static final long STREAMS_DEFAULT_POLL_MS = 100;

  /**
   * How long a stream thread waits for input: a third of the commit interval (16 ms at the default), at most Kafka
   * Streams' default. After a burst's last records the thread commits at the first poll that ends past the interval:
   * at a wait of the whole interval always the interval after them, at a third sooner on average, and at most a
   * third later (the benchmark's light load: README, "How soon mail leaves the topology").
   */
  public static long pollMillis(Duration commitInterval) {
    return Math.min(Math.max(1, commitInterval.toMillis() / 3), STREAMS_DEFAULT_POLL_MS);
  }

  private static String stateDir(StreamsSettings settings) {
    if (settings.stateDir() != null) {
      return settings.stateDir();
    }
    try {
      return Files.createTempDirectory("notifier-streams-").toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a state directory; set streams.stateDir", e);
    }
  }

  /** Publishes the schemas it writes (so workers of an older release can read its notifications), then starts. */
  public void start() {
    KafkaSchemaStore.publish(clientProperties, schemaTopic, KafkaSchemaStore.written(), Duration.ofSeconds(30));
    streams.start();
  }

  /** The topics the topology reads or writes, which must be ready before it starts. */
  static List<Topic<?, ?>> topicsUsed(Topics topics) {
    return List.of(topics.events(), topics.invalidEvents(), topics.users(), topics.groups(), topics.send(),
        topics.status(), topics.schemas(), topics.feedback(), topics.suppressions());
  }

  /** Waits until the application is RUNNING; false if it did not get there in time. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Waits until the directory this instance holds has at least {@code users} users and
   * {@code groups} groups: the directory is a global table, updated beside (not in step with) the
   * event stream, so a tool that publishes users and then at once events about them waits here.
   */
  public boolean awaitDirectory(int users, int groups, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (count(NotifierTopology.USERS_STORE) >= users && count(NotifierTopology.GROUPS_STORE) >= groups) {
          return true;
        }
      } catch (InvalidStateStoreException e) {
        // not queryable yet (starting or rebalancing): look again
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return false;
  }

  /** Entries in a directory store, counted exactly (RocksDB's estimate can be far off for small stores). */
  private long count(String store) {
    ReadOnlyKeyValueStore<Object, Object> kv =
        streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
    long n = 0;
    try (KeyValueIterator<Object, Object> all = kv.all()) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }

  public KafkaStreams streams() {
    return streams;
  }

  /**
   * Why the app stopped in ERROR, when it is something the config must fix (a session time-out the broker refuses);
   * empty otherwise: the log has the stream thread's failure.
   */
  public Optional<String> fatalReason() {
    return Optional.ofNullable(fatalReason);
  }

  /** The Kafka Streams state now (CREATED before {@link #start}; RUNNING when it processes). */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Closes Kafka Streams within {@link #CLOSE_TIMEOUT}, its stream threads leaving the group so that the other
   * instances (or this one restarted) take their tasks at once ({@link StreamsMembership}), then stops reporting its
   * client metrics. A state directory the app made for itself (no {@code streams.stateDir}: the demo, a quick try) is
   * deleted once its stream threads have stopped: the next start makes a new one and restores from the changelogs
   * anyway.
   */
  @Override
  public void close() {
    boolean stopped = false;
    try {
      stopped = streams.close(StreamsMembership.closeOptions(CLOSE_TIMEOUT));
    } finally {
      clientMetrics.close();
      newerSchemas.close();
      if (ownStateDir != null && stopped) {
        deleteOwnStateDir();
      }
    }
  }

  private void deleteOwnStateDir() {
    try {
      Utils.delete(ownStateDir.toFile());
    } catch (IOException e) {
      LOG.warn("could not delete the temporary state directory {}: {}", ownStateDir, e.getMessage());
    }
  }
}
