package dev.notifier.testkit.kafka;

import ch.qos.logback.classic.LoggerContext;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Apache Kafka node (KRaft, broker and controller in one process) configured from the environment: the entry
 * point of the notifier-kafka image, which image/pom.xml builds from the Kafka artifacts on Maven Central on the
 * notifier image's Java runtime (no registry needed), and which deploy/compose.yaml and the container tests run.
 *
 * <p>It reads its settings the way the official apache/kafka image does, so a compose file written for one runs
 * the other: every environment variable {@code KAFKA_NAME_PARTS} becomes the broker setting {@code name.parts}
 * ({@code ___} stands for {@code -}, {@code __} for {@code _}, {@code _} for {@code .}), over the single-node
 * defaults of {@link #DEFAULTS}; {@code CLUSTER_ID} names the cluster (a new one when absent). The log directories
 * are formatted on first start, like {@code kafka-storage.sh format}, and kept as they are afterwards. Once the
 * node serves clients it logs {@code Kafka node N ready}; SIGTERM shuts it down cleanly.
 */
public final class KafkaBrokerMain {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerMain.class);

    /** A single combined node on ports 9092 (clients) and 9093 (controller); every internal topic one replica. */
    static final Map<String, String> DEFAULTS = defaults();

    /** Variables of the apache/kafka image's scripts that are JVM or log settings, not broker settings. */
    private static final Set<String> NOT_SETTINGS = Set.of("KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS",
            "KAFKA_GC_LOG_OPTS", "KAFKA_JMX_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_JMX_HOSTNAME", "KAFKA_VERSION",
            "KAFKA_LOG4J_ROOT_LOGLEVEL", "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL");

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new IllegalArgumentException("KafkaBrokerMain takes no arguments (" + String.join(" ", args)
                    + "): set the broker's settings as KAFKA_* environment variables, e.g. KAFKA_ADVERTISED_LISTENERS");
        }
        leaveOutRetriedAppends(LoggerFactory.getILoggerFactory());
        Map<String, String> settings = settings(System.getenv());
        format(settings, System.getenv().getOrDefault("CLUSTER_ID", Uuid.randomUuid().toString()));
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(settings, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "kafka-shutdown"));
        server.startup();
        LOG.info("Kafka node {} ready: listeners {}, advertised {}", settings.get("node.id"), settings.get("listeners"),
                settings.get("advertised.listeners"));
        server.awaitShutdown();
    }

    /** Installs {@link RetriedAppendFilter} where the logging is logback's (the image's), so its log shows real errors. */
    static void leaveOutRetriedAppends(ILoggerFactory logging) {
        if (logging instanceof LoggerContext context) {
            RetriedAppendFilter.install(context);
        }
    }

    /** The broker's settings: {@link #DEFAULTS}, then every {@code KAFKA_*} variable of {@code env}. */
    static Map<String, String> settings(Map<String, String> env) {
        Map<String, String> settings = new LinkedHashMap<>(DEFAULTS);
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && !NOT_SETTINGS.contains(name)) {
                settings.put(settingName(name), value);
            }
        });
        return settings;
    }

    /** {@code KAFKA_LOG_DIRS} is {@code log.dirs}; {@code KAFKA_A___B__C} is {@code a-b_c}. */
    static String settingName(String variable) {
        return variable.substring("KAFKA_".length()).toLowerCase(Locale.ROOT)
                .replace("___", "-").replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    /** Formats every log directory not yet formatted (first start); a formatted one is left as it is. */
    private static void format(Map<String, String> settings, String clusterId) throws Exception {
        List<String> dirs = new ArrayList<>(Arrays.asList(settings.get("log.dirs").split(",")));
        String metadataDir = settings.getOrDefault("metadata.log.dir", dirs.get(0));
        if (!dirs.contains(metadataDir)) {
            dirs.add(metadataDir);
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(clusterId)
                .setNodeId(Integer.parseInt(settings.get("node.id")))
                .setControllerListenerName(settings.get("controller.listener.names").split(",")[0])
                .setMetadataLogDirectory(metadataDir)
                .setDirectories(dirs)
                .setIgnoreFormatted(true)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    private static Map<String, String> defaults() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:9093");
        p.put("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093");
        p.put("advertised.listeners", "PLAINTEXT://localhost:9092");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", "/var/lib/kafka/data");
        // one broker: every internal topic with one replica, else it is never created
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // the first group join need not wait for more members
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }
}
