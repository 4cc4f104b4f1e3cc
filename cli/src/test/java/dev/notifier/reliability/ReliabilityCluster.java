package dev.notifier.reliability;

import dev.notifier.cli.NotifierCommand;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.kafka.EmbeddedKafkaMain;
import dev.notifier.testkit.net.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * A broker in its own OS process (restartable on the same ports and data), the topics, and
 * notifier processes (streams apps, workers) started from config files written here. One per test
 * class; every process's output is kept under {@code target/reliability-logs/<class>/} ({@code
 * reliability-logs-angus/} when the suite runs on one transport, {@code -Dnotifier.test.transport=angus}).
 */
final class ReliabilityCluster implements AutoCloseable {

  static final int PARTITIONS = 3;
  /** The workers' consumer group in every config written here. */
  static final String WORKER_GROUP = "reliability-senders";
  /** The largest event the events topic accepts: big enough for the 5 MiB poison event to arrive. */
  static final int MAX_EVENT_MESSAGE_BYTES = 8 * 1024 * 1024;
  final Path dir;
  final Path logs;
  final Topics topics = Topics.standard();
  private final ManagedProcess broker;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private String bootstrap;

  ReliabilityCluster(String name) throws IOException {
    this.dir = Files.createTempDirectory("reliability-" + name);
    // a run on one transport keeps its logs apart from the default run's (reliability-logs-angus/<class>/)
    String transport = System.getProperty("notifier.test.transport");
    this.logs = Path.of("target", transport == null || transport.isBlank() ? "reliability-logs"
        : "reliability-logs-" + transport.strip(), name);
    Files.createDirectories(logs);
    int[] ports = FreePorts.distinct(2);
    int port = ports[0];
    int controllerPort = ports[1];
    this.broker = new ManagedProcess("broker", logs, EmbeddedKafkaMain.class.getName(), List.of(
        "--port", String.valueOf(port), "--controller-port", String.valueOf(controllerPort),
        "--log-dir", dir.resolve("kafka").toString(), "--partitions", String.valueOf(PARTITIONS)));
  }

  ReliabilityCluster start() {
    startBroker();
    createTopics();
    return this;
  }

  void startBroker() {
    broker.start();
    bootstrap = broker.awaitLine(Pattern.compile("BOOTSTRAP=(\\S+)"), Duration.ofSeconds(60));
  }

  /** Stops the broker process (SIGTERM, controlled shutdown); {@link #startBroker()} brings it back. */
  void stopBroker() {
    if (!broker.terminate(Duration.ofSeconds(30))) {
      broker.kill9();
    }
  }

  String bootstrap() {
    return bootstrap;
  }

  KafkaSettings kafka() {
    return KafkaSettings.of(bootstrap);
  }

  Properties clientProperties() {
    return kafka().clientProperties();
  }

  private void createTopics() {
    // the invalid topic takes what the events topic takes: an oversized event is copied there as received
    Map<String, String> large = Map.of("max.message.bytes", String.valueOf(MAX_EVENT_MESSAGE_BYTES));
    TopicLayout layout = new TopicLayout(PARTITIONS, (short) 1,
        Map.of(topics.events().name(), large, topics.invalidEvents().name(), large));
    try (Admin admin = Admin.create(clientProperties())) {
      List<NewTopic> all = layout.newTopics(topics);
      admin.createTopics(all).all().get();
      EmbeddedKafka.awaitPartitionsWritable(admin, all.stream().map(NewTopic::name).toList());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the topics: " + e.getMessage(), e);
    }
  }

  /**
   * Writes a config file for notifier processes. {@code accounts} is the YAML list of accounts;
   * the worker retries fast and its breaker re-probes within a second, so scenarios stay short. The
   * kafka section passes no client properties: every process joins its group with the product's own
   * settings (a killed streams app or worker is given up in 6 s, one that stops leaves at once).
   */
  Path config(String name, String accounts, String extraWorker) throws IOException {
    return config(name, accounts, extraWorker, 0);
  }

  /** A config file as {@link #config(String, String, String)}, with {@code management.port} (0: a free one). */
  Path config(String name, String accounts, String extraWorker, int managementPort) throws IOException {
    String yaml = """
        kafka:
          bootstrapServers: "%s"
        accounts:
        %s
        streams:
          applicationId: reliability-streams
          stateDir: "%s"
        worker:
          groupId: %s
          drainTimeout: PT5S
          retry:
            minDelay: PT0.2S
            maxDelay: PT2S
            lifetime: PT10M
          breaker:
            openFor: PT1S
        %s
        management:
          # every process of a scenario on one host: by default each serves its metrics and health on a free port
          host: 127.0.0.1
          port: %d
        """.formatted(bootstrap, accounts.indent(2).stripTrailing(), dir.resolve("streams-state-" + name),
        WORKER_GROUP, extraWorker == null ? "" : extraWorker.indent(2).stripTrailing(), managementPort);
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  /** The YAML of one plain local account. */
  static String localAccount(String id, int port, boolean systemDefault, String extra) {
    return "- {id: " + id + ", host: 127.0.0.1, port: " + port + ", security: none, from: noreply@reliability.test"
        + (systemDefault ? ", systemDefault: true" : "") + (extra == null ? "" : ", " + extra) + transport() + "}\n";
  }

  /**
   * The account key that puts the scenarios on one SMTP client: {@code -Dnotifier.test.transport=angus}
   * (or {@code pipelining}) runs the suite on it; unset, accounts keep the default, {@code auto}, which
   * pipelines with the testkit's servers.
   */
  static String transport() {
    String wanted = System.getProperty("notifier.test.transport");
    return wanted == null || wanted.isBlank() ? "" : ", transport: " + wanted.strip();
  }

  /** A streams app on {@code config}; {@code options} follow {@code --config FILE}. */
  ManagedProcess streams(String name, Path config, String... options) {
    return notifier(name, "streams", config, options);
  }

  /** A worker on {@code config}; {@code options} follow {@code --config FILE}. */
  ManagedProcess worker(String name, Path config, String... options) {
    return notifier(name, "worker", config, options);
  }

  private ManagedProcess notifier(String name, String role, Path config, String... options) {
    List<String> args = new ArrayList<>(List.of(role, "--config", config.toString()));
    args.addAll(List.of(options));
    ManagedProcess process = new ManagedProcess(name, logs, NotifierCommand.class.getName(), args);
    processes.add(process);
    return process;
  }

  /** Starts a streams app and waits until it is RUNNING. */
  ManagedProcess startStreams(String name, Path config) {
    ManagedProcess streams = streams(name, config).start();
    awaitRunning(streams);
    return streams;
  }

  /** Starts a worker and waits until it owns send partitions. */
  ManagedProcess startWorker(String name, Path config) {
    ManagedProcess worker = worker(name, config).start();
    awaitAssigned(worker);
    return worker;
  }

  /**
   * Starts {@code count} workers named {@code prefix-1} .. {@code prefix-count} at once, then waits
   * until each owns send partitions (so at most as many workers as the send topic has partitions).
   */
  List<ManagedProcess> startWorkers(String prefix, int count, Path config) {
    List<ManagedProcess> started = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      started.add(worker(prefix + "-" + i, config).start());
    }
    started.forEach(ReliabilityCluster::awaitAssigned);
    return started;
  }

  /** Waits until a streams app (since its last start) has reached RUNNING. */
  static void awaitRunning(ManagedProcess streams) {
    streams.awaitLine(Pattern.compile("-> RUNNING"), Duration.ofSeconds(90));
  }

  /** Waits until a worker (since its last start) was assigned at least one send partition. */
  static void awaitAssigned(ManagedProcess worker) {
    worker.awaitLine(Pattern.compile("send: assigned \\[\\S"), Duration.ofSeconds(60));
  }

  /** The offsets a consumer group has committed now (partitions without a commit are absent). */
  Map<TopicPartition, Long> committedOffsets(String groupId) {
    try (Admin admin = Admin.create(clientProperties())) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> out = new HashMap<>();
      offsets.forEach((partition, offset) -> {
        if (offset != null) {
          out.put(partition, offset.offset());
        }
      });
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the committed offsets of " + groupId + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits until a consumer group has committed every partition of a topic up to the topic's end as a
   * read_committed reader sees it now: the group has handled everything written there so far.
   */
  void awaitCommittedToEnd(String groupId, String topic, Duration timeout) {
    Map<TopicPartition, Long> ends = endOffsets(topic);
    Await.forValue(timeout, groupId + " committing " + topic + " to its end " + ends, () -> committedOffsets(groupId),
        committed -> ends.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue()),
        Duration.ofMillis(500));
  }

  /** A topic's end offsets as a read_committed reader sees them (the last stable offsets). */
  private Map<TopicPartition, Long> endOffsets(String topic) {
    try (Admin admin = Admin.create(clientProperties())) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
          .forEach((partition, info) -> ends.put(partition, info.offset()));
      return ends;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getMessage(), e);
    }
  }

  List<Path> logFiles() {
    List<Path> files = new ArrayList<>();
    files.add(broker.log());
    processes.forEach(p -> files.add(p.log()));
    return files;
  }

  @Override
  public void close() {
    processes.forEach(ManagedProcess::close);
    broker.close();
  }
}
