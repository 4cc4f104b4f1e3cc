package dev.notifier.cli.demo;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.cli.management.Health;
import dev.notifier.cli.management.Management;
import dev.notifier.cli.management.ManagementServer;
import dev.notifier.cli.management.ManagementSettings;
import dev.notifier.cli.management.ProcessMetrics;
import dev.notifier.cli.management.StreamsHealth;
import dev.notifier.cli.management.WorkerHealth;
import dev.notifier.cli.ops.TerminalText;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.cli.ops.invalid.InvalidEvent;
import dev.notifier.cli.ops.invalid.InvalidFilter;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.TopologyProgress;
import dev.notifier.streams.dedup.DedupProcessor;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The whole product in one process: an embedded broker, an SMTP server, the topology and two
 * sender workers. Publishes a small directory and a score of ZenTao-like events (five edits of one
 * bug become one digest; a task for a recipient whose night it is is held), waits until every
 * notification has an outcome, then publishes a backlog of bulk mail and a critical password reset
 * behind it on the throttled account, and prints each delivered email and a summary. With a management
 * port it also serves the process's metrics and health on 127.0.0.1, as {@code notifier streams} and
 * {@code notifier worker} do: the topology's and both workers' meters in one registry, ready when the
 * topology is RUNNING and both workers are.
 */
public final class Demo {

  static final String APPLICATION_ID = "notifier-demo";
  static final String GONE = "gone@example.com";
  static final Duration DEADLINE = Duration.ofSeconds(90);
  /** The demo's account sends at most this many mails a second, so that the bulk backlog queues. */
  static final int RATE_PER_SECOND = 4;

  private final PrintStream out;
  private final Topics topics = Topics.standard();

  private final Consumer<String> afterwards;
  /** The management port on 127.0.0.1 (0: any free one); null: no management endpoint. */
  private final Integer managementPort;
  private volatile int boundManagementPort = -1;

  public Demo(PrintStream out) {
    this(out, bootstrap -> { });
  }

  /** @param afterwards runs with the broker's address before the demo shuts down (to keep it up) */
  public Demo(PrintStream out, Consumer<String> afterwards) {
    this(out, afterwards, null);
  }

  /** @param managementPort serve metrics and health on this port of 127.0.0.1 (0: a free one); null: don't */
  public Demo(PrintStream out, Consumer<String> afterwards, Integer managementPort) {
    this.out = out;
    this.afterwards = afterwards;
    this.managementPort = managementPort;
  }

  /** The port the management endpoint listens on while the demo runs; -1 when there is none. */
  public int managementPort() {
    return boundManagementPort;
  }

  @SuppressWarnings("try") // the management endpoint need only live as long as the block
  public DemoSummary run() throws Exception {
    out.println("Starting an embedded Kafka broker and an SMTP server on 127.0.0.1 ...");
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().exitJvmOnFatalFault().partitions(3).start();
        ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().build().start()) {
      smtp.script().at(Stage.RCPT).matching(GONE)
          .reply("550 5.1.1 <" + GONE + ">: Recipient address rejected: User unknown").always();
      kafka.createTopics(TopicLayout.of(3).newTopics(topics));
      KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
      ExecutorService workers = Executors.newFixedThreadPool(2);
      try (ProcessMetrics metrics = new ProcessMetrics();
          StreamsApp app = new StreamsApp(settings, streamsSettings(), AccountRouter.single("default"),
              metrics.registry());
          Senders senders = new Senders(settings, smtp, metrics.registry());
          ManagementServer management = startManagement(metrics, Health.all(List.of(new StreamsHealth(app::state),
              senders.health())))) {
        app.start();
        senders.start(workers);
        NightOwl nightOwl = NightOwl.at(Instant.now());
        int eventsIn = publish(settings, app, nightOwl);
        out.printf("Published 7 users, 2 groups and %d events (one of them garbage, one a duplicate).%n", eventsIn);
        Ledger ledger = new Ledger();
        awaitSettled(kafka, settings, ledger);
        int backlogStart = smtp.messageCount();
        int backlog = publishBacklog(settings);
        out.printf("Published %d bulk mails (builds for Bob), then a critical password reset for Hana, on an account"
            + " limited to %d mails a second.%n", backlog, RATE_PER_SECOND);
        eventsIn += backlog + 1;
        awaitSettled(kafka, settings, ledger);
        DemoSummary summary = report(smtp, ledger, new PolicyShowcase(ledger, nightOwl), backlogStart, backlog,
            eventsIn, invalidEvents(settings), duplicatesDropped(app));
        afterwards.accept(kafka.bootstrapServers());
        return summary;
      } finally {
        workers.shutdownNow();
      }
    }
  }

  /** The demo's rules (built-in ones plus a digest, bulk and critical mail) from a file the streams app reads. */
  private static StreamsSettings streamsSettings() throws IOException {
    Path rules = Files.createTempFile("notifier-demo-rules", ".yaml");
    rules.toFile().deleteOnExit();
    try (InputStream in = Demo.class.getResourceAsStream("/demo/rules.yaml")) {
      Files.copy(in, rules, StandardCopyOption.REPLACE_EXISTING);
    }
    return new StreamsSettings(APPLICATION_ID, null, null, rules.toString(), null, null, null, null);
  }

  /** The management endpoint when a port was asked for, else null (nothing to close). */
  private ManagementServer startManagement(ProcessMetrics metrics, Health health) {
    if (managementPort == null) {
      return null;
    }
    ManagementServer server = ManagementServer.start(ManagementSettings.loopback(managementPort), metrics, health);
    boundManagementPort = server.port();
    out.printf("Metrics and health: http://127.0.0.1:%d%s (also %s, %s)%n", server.port(), Management.METRICS_PATH,
        Management.LIVENESS_PATH, Management.READINESS_PATH);
    return server;
  }

  /**
   * The demo's two sender workers, one consumer group, their meters in the process's registry. They
   * keep running until the demo ends (with {@code --keep-running}, a replayed dead letter is delivered).
   */
  private static final class Senders implements AutoCloseable {

    private final List<SenderWorker> workers = new ArrayList<>();

    Senders(KafkaSettings settings, ScriptableSmtpServer smtp, MeterRegistry registry) {
      AccountSettings account = AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.demo")
          .withLimits(Limits.of(RATE_PER_SECOND, RATE_PER_SECOND));
      try {
        for (int i = 1; i <= 2; i++) {
          WorkerSettings ws = new WorkerSettings(null, "demo-worker-" + i, null, List.of(account));
          workers.add(new SenderWorker(WorkerContext.builder(settings, ws).meterRegistry(registry).build()));
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    Health health() {
      return Health.all(workers.stream().map(w -> (Health) new WorkerHealth(w::status)).toList());
    }

    void start(ExecutorService pool) {
      workers.forEach(pool::submit);
    }

    @Override
    public void close() {
      workers.forEach(SenderWorker::close);
    }
  }

  private int publish(KafkaSettings settings, StreamsApp app, NightOwl nightOwl) throws Exception {
    try (Publisher publisher = new Publisher(settings.clientProperties(), topics)) {
      int users = publisher.publish(resource("users.jsonl"), RecordKind.USERS, false).published();
      users += publisher.publish(new BufferedReader(new StringReader(nightOwl.userJson())), RecordKind.USERS, false)
          .published();
      int groups = publisher.publish(resource("groups.jsonl"), RecordKind.GROUPS, false).published();
      if (!app.awaitDirectory(users, groups, Duration.ofSeconds(60))) {
        out.println("The directory did not reach the topology within 60 s.");
      }
      int events = publisher.publish(resource("events.jsonl"), RecordKind.EVENTS, false).published();
      events += publisher.publish(resource("events-avro.jsonl"), RecordKind.EVENTS, true).published();
      // five edits of one bug (one digest) and a task for the recipient whose night it is (held)
      events += publisher.publish(resource("policies.jsonl"), RecordKind.EVENTS, false).published();
      publisher.publishRawEvent("garbage-1", new byte[] {0x13, 0x37, (byte) 0xFF, 0x00, 0x42});
      publisher.flush();
      return events + 1;
    }
  }

  /** The bulk backlog, then the critical mail behind it; returns the number of bulk events. */
  private int publishBacklog(KafkaSettings settings) throws Exception {
    try (Publisher publisher = new Publisher(settings.clientProperties(), topics)) {
      int published = publisher.publish(resource("backlog.jsonl"), RecordKind.EVENTS, false).published();
      publisher.flush();
      return published - 1;
    }
  }

  private static BufferedReader resource(String name) {
    return new BufferedReader(new InputStreamReader(Demo.class.getResourceAsStream("/demo/" + name),
        StandardCharsets.UTF_8));
  }

  /** Reads statuses until the topology has committed all its input and no notification is pending. */
  private void awaitSettled(EmbeddedKafka kafka, KafkaSettings settings, Ledger ledger) throws Exception {
    Instant deadline = Instant.now().plus(DEADLINE);
    try (KafkaConsumer<String, DeliveryStatus> statuses = readCommitted(settings, topics.status());
        Admin admin = kafka.admin()) {
      TopologyProgress topology = new TopologyProgress(admin, APPLICATION_ID, topics.events().name());
      while (Instant.now().isBefore(deadline)) {
        statuses.poll(Duration.ofMillis(200)).forEach(r -> ledger.add(r.value()));
        if (ledger.settled() && topology.idle()) {
          statuses.poll(Duration.ofMillis(500)).forEach(r -> ledger.add(r.value()));
          if (ledger.settled()) {
            return;
          }
        }
      }
    }
    out.println("The demo did not settle within " + DEADLINE.toSeconds() + " s.");
  }

  /** The events the topology filed invalid, as {@code notifier invalid list} reads them. */
  private List<InvalidEvent> invalidEvents(KafkaSettings settings) {
    return InvalidEvent.read(new TopicReader(settings.clientProperties(), Duration.ofSeconds(30), Clock.systemUTC()),
        topics, InvalidFilter.any());
  }

  private static long duplicatesDropped(StreamsApp app) {
    return app.streams().metrics().values().stream()
        .filter(m -> m.metricName().name().equals(DedupProcessor.DROPPED_METRIC + "-total"))
        .mapToLong(m -> ((Number) m.metricValue()).longValue()).sum();
  }

  private <V> KafkaConsumer<String, V> readCommitted(KafkaSettings settings, Topic<String, V> topic) {
    Properties props = settings.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "notifier-demo-reader-" + topic.name());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // the demo's topics are created up front; a missing one must not appear with the broker's defaults
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, Serdes.String().deserializer(),
        topic.valueSerde().deserializer());
    consumer.subscribe(List.of(topic.name()));
    return consumer;
  }

  private DemoSummary report(ScriptableSmtpServer smtp, Ledger ledger, PolicyShowcase policies, int backlogStart,
      int backlog, int eventsIn, List<InvalidEvent> invalid, long duplicates) {
    List<ReceivedMessage> received = smtp.messages();
    int bulkBefore = PolicyShowcase.bulkBeforeCritical(received.subList(backlogStart, received.size()), NightOwl.EMAIL);
    out.println();
    out.println("Delivered emails (as received by the SMTP server):");
    received.subList(0, backlogStart).stream()
        .map(m -> String.format("  %-22s -> %-20s %s", m.mailFrom(), String.join(",", m.recipients()),
            m.subject().orElse("")))
        .sorted()
        .forEach(out::println);
    out.println();
    out.println("Then the bulk backlog and the critical mail behind it, in the order the SMTP server received them:");
    PolicyShowcase.arrivalOrder(received.subList(backlogStart, received.size()), NightOwl.EMAIL).forEach(out::println);
    DemoSummary summary = new DemoSummary(eventsIn, invalid.size(), ledger.count(DeliveryState.SENT), received.size(),
        ledger.skippedByReason(), duplicates, ledger.count(DeliveryState.DEAD), policies.digests(),
        policies.held().size(), backlog, bulkBefore, ledger.settled());
    out.println();
    out.println("Summary");
    out.printf("  events in            %d (%d invalid -> %s)%n", summary.eventsIn(), summary.invalid(),
        topics.invalidEvents().name());
    for (InvalidEvent e : invalid) {
      out.printf("    %s: %s — %s%n", TerminalText.clean(String.valueOf(e.key())), e.error(),
          TerminalText.clean(e.message()));
    }
    out.printf("  notifications sent   %d (SMTP server received %d)%n", summary.sent(), summary.smtpReceived());
    out.printf("  skipped              %d %s%n", summary.skippedTotal(), summary.skipped());
    out.printf("  duplicates dropped   %d%n", summary.duplicatesDropped());
    out.printf("  dead letters         %d%n", summary.dead());
    for (DeliveryStatus s : ledger.all()) {
      if (s.getState() == DeliveryState.DEAD) {
        out.printf("    %s: %s%n", s.getEmail(), s.getDetail());
      }
    }
    policies.print(out, received, backlog, bulkBefore);
    out.println(summary.ok() ? "Demo OK." : "Demo FAILED: not every notification reached an outcome.");
    return summary;
  }
}
