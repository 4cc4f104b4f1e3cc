package dev.notifier.testkit.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.notifier.testkit.net.FreePorts;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Apache Kafka broker running inside the current JVM, for tests, the one-process demo and
 * benchmarks.
 *
 * <p>The node runs in KRaft combined mode ({@code process.roles=broker,controller}) with a PLAINTEXT client
 * listener and a CONTROLLER listener, both bound to free ports on {@code 127.0.0.1}. It is configured so that
 * everything a single broker can offer works, including transactions / exactly-once (all internal topics use
 * replication factor 1 and min ISR 1).
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(3).build().start()) {
 *     kafka.createTopics("orders", "emails");
 *     try (Producer<String, String> p = new KafkaProducer<>(kafka.producerProps(), ser, ser)) { ... }
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} blocks until the broker answers a {@code describeCluster} call.
 * {@link #stop()} shuts the broker down but keeps its data and ports, so a later {@link #start()} brings the
 * same broker back (useful for broker-restart scenarios). {@link #close()} stops the broker and, unless the
 * log directory was supplied through {@link Builder#logDir(Path)}, deletes the data.
 *
 * <p>Topics created through {@link #createTopics(String...)} / {@link #createTopic(String, int, Map)} are
 * ready for producing when the call returns: it works around
 * <a href="https://issues.apache.org/jira/browse/KAFKA-15591">KAFKA-15591</a> (the first batch produced right
 * after topic creation may be silently lost) by waiting until every new partition answers a
 * {@code ListOffsets} request.
 *
 * <p>Instances are thread-safe; lifecycle methods are serialized.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Name of the listener that clients use. */
    public static final String BROKER_LISTENER = "PLAINTEXT";
    /** Name of the optional SASL_SSL client listener ({@link Builder#saslSsl}). */
    public static final String SECURE_LISTENER = "SECURE";
    /** The SASL mechanism of the secure listener. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    /** Name of the KRaft controller listener. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(50);
    private static final int ADMIN_REQUEST_TIMEOUT_MS = 5_000;

    private final int partitions;
    private final Map<String, String> brokerOverrides;
    private final Path logDir;
    private final boolean ownsLogDir;
    private final int brokerPort;
    private final int controllerPort;
    /** The SASL_SSL listener's port, 0 when the broker has none. */
    private final int securePort;
    private final Path secureKeyStore;
    private final String secureKeyStorePassword;
    /** Whether a fatal broker fault is refused ({@link BrokerExitGuard}) instead of ending the JVM. */
    private final boolean guardsJvm;

    private KafkaRaftServer server;
    private Duration lastStartDuration = Duration.ZERO;
    /** {@link BrokerExitGuard#count()} when the broker last started. */
    private int faultMark;
    private boolean closed;

    private EmbeddedKafka(Builder builder) {
        this.partitions = builder.partitions;
        this.brokerOverrides = Map.copyOf(builder.brokerProperties);
        this.ownsLogDir = builder.logDir == null;
        this.logDir = ownsLogDir ? createTempDir() : builder.logDir.toAbsolutePath();
        int[] free = FreePorts.distinct(3);
        this.brokerPort = builder.port > 0 ? builder.port : free[0];
        this.controllerPort = builder.controllerPort > 0 ? builder.controllerPort : free[1];
        this.secureKeyStore = builder.secureKeyStore;
        this.secureKeyStorePassword = builder.secureKeyStorePassword;
        this.securePort = secureKeyStore == null ? 0 : free[2];
        this.guardsJvm = !builder.exitsJvmOnFatalFault;
    }

    /** Returns a builder with defaults: 1 partition per topic, a temporary log dir, free ports. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Formats the log directory if needed, starts the broker and waits until it serves metadata requests.
     * Calling it on a running broker does nothing.
     *
     * @return this, for chaining
     * @throws IllegalStateException if the instance is closed or the broker does not become ready in time
     */
    public synchronized EmbeddedKafka start() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafka is closed");
        }
        if (server != null) {
            return this;
        }
        long begin = System.nanoTime();
        if (guardsJvm) {
            BrokerExitGuard.install();
        }
        faultMark = BrokerExitGuard.count();
        KafkaConfig config = new KafkaConfig(brokerConfig(), false);
        formatIfNeeded();
        KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            started.startup();
            server = started;
            awaitReady();
        } catch (RuntimeException e) {
            server = null;
            shutdownQuietly(started);
            throw e;
        }
        lastStartDuration = Duration.ofNanos(System.nanoTime() - begin);
        return this;
    }

    /**
     * Shuts the broker down (controlled shutdown) and waits for it, keeping log directory and ports so that
     * {@link #start()} can bring it back with its data. Does nothing if the broker is not running.
     *
     * @throws IllegalStateException after shutting it down, if the broker had a fatal fault while it ran (one
     *     that would have ended a standalone broker's process); the message is the fault
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer running = server;
        server = null;
        List<String> faults = BrokerExitGuard.since(faultMark);
        try {
            if (!faults.isEmpty()) {
                FaultedBrokerShutdown.shutDownBroker(running);
            }
            running.shutdown();
            running.awaitShutdown();
        } finally {
            faultMark = BrokerExitGuard.count();
        }
        if (!faults.isEmpty()) {
            throw new IllegalStateException("The embedded Kafka broker at " + bootstrapServers()
                    + " had a fatal fault while it ran: " + String.join("; ", faults));
        }
    }

    /** Stops the broker and deletes the log directory unless it was supplied by the caller. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (ownsLogDir) {
                deleteRecursively(logDir);
            }
        }
    }

    /** Whether the broker is currently started. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** How long the last successful {@link #start()} took, from formatting to ready. */
    public synchronized Duration lastStartDuration() {
        return lastStartDuration;
    }

    // ------------------------------------------------------------------------------------------------ accessors

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /**
     * The {@code bootstrap.servers} of the SASL_SSL listener ({@link Builder#saslSsl}): SCRAM-SHA-512 over TLS,
     * every request authorized by ACLs.
     *
     * @throws IllegalStateException when the broker was built without one
     */
    public String secureBootstrapServers() {
        if (securePort == 0) {
            throw new IllegalStateException("this broker has no SASL_SSL listener: build it with saslSsl(...)");
        }
        return HOST + ":" + securePort;
    }

    /** Creates or replaces a SCRAM-SHA-512 credential for {@code user} (for the SASL_SSL listener). */
    public void upsertScramUser(String user, String password) {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                    new org.apache.kafka.clients.admin.ScramCredentialInfo(
                            org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all().get(ADMIN_REQUEST_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("Could not create the SCRAM credential of " + user, e);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** Port of the PLAINTEXT client listener (stable across {@link #stop()}/{@link #start()}). */
    public int port() {
        return brokerPort;
    }

    /** Port of the CONTROLLER listener (stable across {@link #stop()}/{@link #start()}). */
    public int controllerPort() {
        return controllerPort;
    }

    /** The broker's data directory (holds both the metadata log and the topic logs). */
    public Path logDir() {
        return logDir;
    }

    /** Default partition count for topics created without an explicit count. */
    public int defaultPartitions() {
        return partitions;
    }

    // ------------------------------------------------------------------------------------------------ clients

    /** Creates a new {@link Admin} client for this broker; the caller closes it. */
    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ADMIN_REQUEST_TIMEOUT_MS);
        return Admin.create(props);
    }

    /** Alias of {@link #admin()}. */
    public Admin adminClient() {
        return admin();
    }

    /** Base producer properties: only {@code bootstrap.servers}; add serializers, transactional id etc. */
    public Properties producerProps() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /**
     * Base consumer properties: {@code bootstrap.servers}, {@code group.id},
     * {@code auto.offset.reset=earliest} (tests usually want to see records produced before subscribing) and
     * {@code allow.auto.create.topics=false}.
     */
    public Properties consumerProps(String groupId) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, Objects.requireNonNull(groupId, "groupId"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a topic a test forgot to create must show as missing, not appear with the broker's defaults
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return props;
    }

    // ------------------------------------------------------------------------------------------------ topics

    /**
     * Creates topics with the default partition count and no extra config, then waits until every partition is
     * ready for producing (KAFKA-15591 workaround). Topics that already exist are accepted as they are.
     */
    public void createTopics(String... names) {
        List<NewTopic> topics = java.util.Arrays.stream(names)
                .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty()))
                .toList();
        createAndAwait(topics);
    }

    /**
     * Creates one topic with the given partition count and topic configs (e.g. {@code cleanup.policy=compact}),
     * then waits until every partition is ready for producing (KAFKA-15591 workaround). An already existing
     * topic is accepted as it is.
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(Map.copyOf(configs));
        createAndAwait(List.of(topic));
    }

    /**
     * Creates the given topics as described (partitions, replication factor, configs; e.g. the ones a topic
     * catalogue lays out), then waits until every partition is ready for producing (KAFKA-15591 workaround).
     * Topics that already exist are accepted as they are.
     */
    public void createTopics(Collection<NewTopic> topics) {
        createAndAwait(List.copyOf(topics));
    }

    private void createAndAwait(List<NewTopic> topics) {
        List<String> names = topics.stream().map(NewTopic::name).toList();
        try (Admin admin = admin()) {
            for (NewTopic topic : topics) {
                createIgnoringExisting(admin, topic);
            }
            awaitPartitionsWritable(admin, names);
        }
    }

    private static void createIgnoringExisting(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(ADMIN_REQUEST_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new KafkaException("Could not create topic " + topic.name(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new KafkaException("Timed out creating topic " + topic.name(), e);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * Waits until every partition of the given (just created) topics answers {@code ListOffsets(latest)}, retrying
     * with a short backoff for up to 30 s. Works around KAFKA-15591: a produce request sent right after
     * CreateTopics can be acknowledged yet lost; once ListOffsets succeeds the partition leader has loaded the log.
     * Usable with any broker, e.g. one started through {@link EmbeddedKafkaMain}.
     *
     * @throws KafkaException if the partitions are not ready in time
     */
    public static void awaitPartitionsWritable(Admin admin, Collection<String> topics) {
        long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
        Throwable lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<TopicPartition, OffsetSpec> request = latestSpecFor(partitionsOf(admin, topics));
                admin.listOffsets(request).all().get(ADMIN_REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                lastError = e.getCause();
            } catch (TimeoutException e) {
                lastError = e;
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
            backoff();
        }
        throw new KafkaException("Partitions of " + topics + " not ready for producing within "
                + TOPIC_READY_TIMEOUT.toSeconds() + " s (KAFKA-15591 workaround); last error: " + lastError,
                lastError);
    }

    private static List<TopicPartition> partitionsOf(Admin admin, Collection<String> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, TopicDescription> descriptions = admin.describeTopics(topics)
                .allTopicNames().get(ADMIN_REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return descriptions.values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .toList();
    }

    private static Map<TopicPartition, OffsetSpec> latestSpecFor(List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        return specs;
    }

    // ------------------------------------------------------------------------------------------------ internals

    /** The broker configuration; caller overrides from {@link Builder#brokerProperty} are applied last. */
    /**
     * Adds the SASL_SSL listener: SCRAM-SHA-512 over TLS with the given key store, and the
     * StandardAuthorizer denying whatever no ACL allows. The PLAINTEXT and CONTROLLER listeners stay: their
     * (anonymous) principal is the super user, the broker's own and the tests' administrative door.
     */
    private void secureListener(Map<String, Object> p) {
        String secure = "listener.name." + SECURE_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        p.put("listeners", p.get("listeners") + "," + SECURE_LISTENER + "://" + HOST + ":" + securePort);
        p.put("advertised.listeners", p.get("advertised.listeners") + "," + SECURE_LISTENER + "://" + HOST + ":"
                + securePort);
        p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + "," + SECURE_LISTENER
                + ":SASL_SSL");
        p.put(secure + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
        p.put(secure + SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put(secure + "ssl.keystore.type", "PKCS12");
        p.put(secure + "ssl.keystore.location", secureKeyStore.toString());
        p.put(secure + "ssl.keystore.password", secureKeyStorePassword);
        p.put(secure + "ssl.key.password", secureKeyStorePassword);
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:ANONYMOUS");
        p.put("allow.everyone.if.no.acl.found", "false");
    }

    private Map<String, Object> brokerConfig() {
        Map<String, Object> p = new LinkedHashMap<>();
        // Combined mode: one JVM-local node is both the KRaft controller and the broker.
        p.put("process.roles", "broker,controller");
        // Single fixed node id; it is also the only voter of the static controller quorum.
        p.put("node.id", String.valueOf(NODE_ID));
        // Static quorum of one voter on our controller port (no dynamic-quorum bootstrap needed).
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        // Client listener and controller listener, loopback only, on ports chosen once and reused on restart.
        p.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        // Clients must connect to the loopback address we bound, not the host name.
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        // Tells the broker which listener is the controller one.
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        // Replication traffic (none on one node) would use the client listener.
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        // Both listeners are unencrypted and unauthenticated.
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        // Topic data and the KRaft metadata log share one directory that we own.
        if (securePort != 0) {
            secureListener(p);
        }
        p.put("log.dirs", logDir.toString());
        // Default partition count for explicitly or automatically created topics.
        p.put("num.partitions", String.valueOf(partitions));
        // Only one broker exists, so every replication factor must be 1.
        p.put("default.replication.factor", "1");
        // acks=all must succeed with our single replica.
        p.put("min.insync.replicas", "1");
        // Consumer offsets topic needs RF 1 on one broker (default 3 would never be created).
        p.put("offsets.topic.replication.factor", "1");
        // One offsets partition is plenty here and makes the first group join fast.
        p.put("offsets.topic.num.partitions", "1");
        // Transaction state log needs RF 1 on one broker, otherwise transactional producers hang.
        p.put("transaction.state.log.replication.factor", "1");
        // ...and its min ISR must not exceed that single replica.
        p.put("transaction.state.log.min.isr", "1");
        // One transaction-state partition is plenty and makes the first initTransactions fast.
        p.put("transaction.state.log.num.partitions", "1");
        // Share-group state topic would otherwise want RF 3 / min ISR 2 should share groups get enabled.
        p.put("share.coordinator.state.topic.replication.factor", "1");
        // ...and its min ISR must not exceed that single replica.
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Tests should not wait 3 s for more members before the first (classic) rebalance.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Same for Kafka Streams groups using the new streams rebalance protocol.
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        // Allow tests to use short consumer session timeouts for faster failure detection.
        p.put("group.min.session.timeout.ms", "1000");
        // Small segments: less preallocated/mapped disk per partition, quicker roll in retention/compaction tests.
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        // Small index files (default 10 MiB each, per segment, memory-mapped) keep many partitions light.
        p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
        // The cleaner's dedupe map is 128 MiB of heap by default; 8 MiB suffices for test-sized compacted topics.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // Fewer broker heartbeat waits during startup/unfencing and controlled shutdown.
        p.put("broker.heartbeat.interval.ms", "500");
        // Must stay above the heartbeat interval; short so a restarted broker's old session expires fast.
        p.put("broker.session.timeout.ms", "3000");
        p.putAll(brokerOverrides);
        return p;
    }

    /** Formats the data directory like {@code kafka-storage.sh format}, unless it is already formatted. */
    private void formatIfNeeded() {
        if (Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    // Share groups are not used by this project; keep their coordinator machinery off.
                    .setFeatureLevel("share.version", (short) 0)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka log dir " + logDir, e);
        }
    }

    private void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " did not become ready", e);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException suppressed) {
            // best effort after a failed start; the original failure is what matters
        }
    }

    private static void backoff() {
        try {
            Thread.sleep(RETRY_BACKOFF.toMillis());
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static RuntimeException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("Interrupted", e);
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create temp log dir", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + root, e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", logDir=" + logDir + ", running=" + isRunning() + "]";
    }

    // ------------------------------------------------------------------------------------------------ builder

    /** Configures an {@link EmbeddedKafka}; {@link #build()} does not start it. */
    public static final class Builder {
        private int partitions = 1;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Path logDir;
        private int port;
        private int controllerPort;
        private Path secureKeyStore;
        private String secureKeyStorePassword;
        private boolean exitsJvmOnFatalFault;

        private Builder() {
        }

        /**
         * Adds a SASL_SSL client listener ({@link EmbeddedKafka#secureBootstrapServers()}): SCRAM-SHA-512
         * (credentials from {@link EmbeddedKafka#upsertScramUser}) over TLS with the certificate in this PKCS12
         * key store, and the StandardAuthorizer: on it, a principal may do only what an ACL allows.
         */
        public Builder saslSsl(Path keyStore, String password) {
            this.secureKeyStore = keyStore.toAbsolutePath();
            this.secureKeyStorePassword = Objects.requireNonNull(password);
            return this;
        }

        /** Default partition count ({@code num.partitions}) for new topics; default 1. */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** Sets or overrides one broker config; applied after all defaults. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /** Uses (and keeps on close) this data directory; an already formatted one is reused with its data. */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir);
            return this;
        }

        /** Fixed client listener port; default (0) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Fixed controller listener port; default (0) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = controllerPort;
            return this;
        }

        /**
         * Lets a fatal broker fault end the JVM, as it ends a standalone broker, for a process that exists to run
         * this broker (the demo, {@link EmbeddedKafkaMain}, a benchmark). By default a fatal fault is refused
         * ({@link BrokerExitGuard}) so that the tests sharing the JVM can report it; {@link #stop()} then fails
         * naming it.
         */
        public Builder exitJvmOnFatalFault() {
            this.exitsJvmOnFatalFault = true;
            return this;
        }

        /** Creates the (not yet started) broker; call {@link EmbeddedKafka#start()}. */
        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }

        /** Shortcut for {@code build().start()}. */
        public EmbeddedKafka start() {
            return build().start();
        }
    }
}
