package dev.notifier.cli.ops.acls;

import static dev.notifier.cli.ops.OpsTestSupport.endOffsetSum;
import static dev.notifier.cli.ops.OpsTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.DeliveryState;
import dev.notifier.cli.console.ConsoleServer;
import dev.notifier.cli.console.ConsoleSettings;
import dev.notifier.cli.console.ConsoleUser;
import dev.notifier.cli.console.Passwords;
import dev.notifier.cli.ops.OpsTestSupport.Run;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.ReplayHeaders;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.SelfSignedCertificate;
import dev.notifier.testkit.smtp.Stage;
import java.io.BufferedReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The roles' ACLs ({@code notifier acls --apply}) on a broker that authenticates every client with
 * SASL/SCRAM over TLS and authorizes every request with the StandardAuthorizer: the whole flow works
 * with each process under its own principal, and each attack a principal could try outside its role
 * is refused by the broker. Passwords reach the clients through Kafka's file config provider, never
 * the config file itself.
 */
@TestMethodOrder(OrderAnnotation.class)
class AclsIntegrationTest {

  private static final String GONE = "gone@example.com";
  private static final Topics TOPICS = Topics.standard();
  private static final String GARBAGE = "acl-garbage-1";
  private static final String[] ROLES = {"producer", "directory", "streams", "worker", "analyst", "replayer", "sre"};

  private static Path dir;
  private static EmbeddedKafka kafka;
  private static ScriptableSmtpServer smtp;
  private static String applied;

  @BeforeAll
  static void startASecuredBroker() throws Exception {
    dir = Files.createTempDirectory("notifier-acls");
    SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost();
    cert.writeKeyStore(dir.resolve("broker.p12"), "broker-secret".toCharArray());
    cert.writeTrustStore(dir.resolve("trust.p12"), "trust-secret".toCharArray());
    kafka = EmbeddedKafka.builder().partitions(3).saslSsl(dir.resolve("broker.p12"), "broker-secret").start();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
    List<String> passwords = new ArrayList<>();
    for (String role : ROLES) {
      kafka.upsertScramUser("notifier-" + role, role + "-password");
      passwords.add(role + ".password=" + role + "-password");
    }
    Files.write(dir.resolve("passwords.properties"), passwords, StandardCharsets.UTF_8);
    smtp = ScriptableSmtpServer.builder().build().start();
    smtp.script().at(Stage.RCPT).matching(GONE).reply("550 5.1.1 <" + GONE + ">: User unknown").always();

    // an SRE applies the roles' ACLs (here through the broker's administrative listener)
    Run acls = run("acls", "--apply", "--config", adminConfig().toString());
    assertThat(acls.code()).as(acls.err()).isZero();
    applied = acls.out();
  }

  @AfterAll
  static void stop() {
    if (smtp != null) {
      smtp.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  @Order(1)
  void theWholeFlowWorksWithEachProcessUnderItsOwnPrincipal() throws Exception {
    assertThat(applied).contains("User:notifier-producer", "User:notifier-worker").containsPattern("applied \\d+ ACLs");
    StreamsSettings streams = StreamsSettings.defaults().withApplicationId("notifier-streams")
        .withStateDir(Files.createTempDirectory(dir, "state").toString());
    AccountSettings account = AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (StreamsApp app = new StreamsApp(as("streams"), streams, AccountRouter.single("default"));
        SenderWorker worker = new SenderWorker(WorkerContext.builder(as("worker"),
            new WorkerSettings(null, "acl-worker", null, List.of(account))).build())) {
      app.start();
      pool.submit(worker);
      try (Publisher directory = new Publisher(as("directory").clientProperties(), TOPICS)) {
        directory.publish(lines("{\"userId\":\"alice\",\"email\":\"alice@example.com\"}",
            "{\"userId\":\"carol\",\"email\":\"carol@example.com\"}"), RecordKind.USERS, false);
      }
      assertThat(app.awaitDirectory(2, 0, Duration.ofSeconds(60))).as("directory loaded").isTrue();
      try (Publisher producer = new Publisher(as("producer").clientProperties(), TOPICS)) {
        producer.publish(lines("{\"eventId\":\"acl-bug-1\",\"type\":\"bug.assigned\",\"source\":\"zentao\","
            + "\"team\":\"qa\",\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
            + "\"subject\":{\"kind\":\"bug\",\"id\":\"1\",\"title\":\"Under ACLs\"},"
            + "\"to\":[{\"userId\":\"alice\"}],\"cc\":[{\"email\":\"" + GONE + "\"}]}"), RecordKind.EVENTS, false);
        producer.publishRawEvent(GARBAGE, new byte[] {0x13, 0x37}); // an invalid event, for the analysts below
      }

      assertThat(smtp.awaitMessages(1, Duration.ofSeconds(90))).extracting(m -> m.recipients().get(0))
          .containsExactly("alice@example.com");
      // the refused recipient is a dead letter, for the analysts below
      OpsTestSupport.awaitStates(kafka.bootstrapServers(), TOPICS, Map.of(
          id("alice@example.com"), DeliveryState.SENT, id(GONE), DeliveryState.DEAD), Duration.ofSeconds(60));
      Await.until(Duration.ofSeconds(60), "the invalid event filed",
          () -> !committed(TOPICS.invalidEvents().name()).isEmpty());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(2)
  void anUpstreamProducerCannotWriteTheSendTopicNorTheDirectory() {
    long sends = endOffsetSum(kafka.bootstrapServers(), TOPICS.send().name());
    long users = endOffsetSum(kafka.bootstrapServers(), TOPICS.users().name());

    assertRefused("producer", TOPICS.send().name());
    assertRefused("producer", TOPICS.users().name());
    assertRefused("producer", TOPICS.status().name());

    assertThat(endOffsetSum(kafka.bootstrapServers(), TOPICS.send().name())).isEqualTo(sends);
    assertThat(endOffsetSum(kafka.bootstrapServers(), TOPICS.users().name())).isEqualTo(users);
  }

  @Test
  @Order(3)
  void aWorkerCannotWriteEventsAndTheDirectoryPublisherCannotWriteMail() {
    long events = endOffsetSum(kafka.bootstrapServers(), TOPICS.events().name());

    assertRefused("worker", TOPICS.events().name());
    assertRefused("directory", TOPICS.send().name());

    assertThat(endOffsetSum(kafka.bootstrapServers(), TOPICS.events().name())).isEqualTo(events);
  }

  @Test
  @Order(4)
  void anAnalystReadsDeadLettersButOnlyAReplayerMayReplayThem() throws Exception {
    long sends = endOffsetSum(kafka.bootstrapServers(), TOPICS.send().name());
    Run list = run("dlt", "list", "--config", roleConfig("analyst").toString());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains(GONE);

    Run refused = run("dlt", "replay", "--config", roleConfig("analyst").toString(), "--all", "--reason", "try");
    System.out.println("$ notifier dlt replay --all (as notifier-analyst)\n" + refused.err());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("not authorized: the cluster refused User:notifier-analyst")
        .contains("acls.replayers").doesNotContain("analyst-password");
    assertThat(endOffsetSum(kafka.bootstrapServers(), TOPICS.send().name())).as("nothing written").isEqualTo(sends);

    Run replayed = run("dlt", "replay", "--config", roleConfig("replayer").toString(), "--all", "--reason",
        "mailbox restored");
    assertThat(replayed.code()).as(replayed.err()).isZero();
    assertThat(replayed.out()).contains("replayed 1 of 1", "by User:notifier-replayer (OS user ");
    assertThat(endOffsetSum(kafka.bootstrapServers(), TOPICS.send().name())).isGreaterThan(sends);
    // the provenance is the principal the cluster authenticated and authorized, in the record and the audit
    ConsumerRecord<String, byte[]> resent = committed(TOPICS.send().name()).stream()
        .filter(r -> r.headers().lastHeader(ReplayHeaders.BY) != null).reduce((a, b) -> b).orElseThrow();
    assertThat(resent.key()).isEqualTo(id(GONE));
    assertThat(new String(resent.headers().lastHeader(ReplayHeaders.BY).value(), StandardCharsets.UTF_8))
        .isEqualTo("User:notifier-replayer");
    List<ConsumerRecord<String, byte[]>> audit = committed(TOPICS.audit().name());
    assertThat(audit).as("one audit record, the replayer's; nothing of the refused replay").hasSize(1);
    JsonNode a = new ObjectMapper().readTree(audit.get(0).value());
    assertThat(a.path("action").asText()).isEqualTo("dlt.replay");
    assertThat(a.path("notificationId").asText()).isEqualTo(id(GONE));
    assertThat(a.path("principal").asText()).isEqualTo("User:notifier-replayer");
    assertThat(a.path("osUser").asText()).isEqualTo(System.getProperty("user.name"));
    assertThat(a.path("reason").asText()).isEqualTo("mailbox restored");
  }

  @Test
  @Order(5)
  void anAnalystListsInvalidEventsButOnlyAReplayerMayRepublishThem() throws Exception {
    long events = endOffsetSum(kafka.bootstrapServers(), TOPICS.events().name());
    Run list = run("invalid", "list", "--config", roleConfig("analyst").toString());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).containsPattern(GARBAGE + "\\s+unknown-encoding");

    Run refused = run("invalid", "republish", "--config", roleConfig("analyst").toString(), "--key", GARBAGE,
        "--reason", "try");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("not authorized: the cluster refused User:notifier-analyst");
    assertThat(endOffsetSum(kafka.bootstrapServers(), TOPICS.events().name())).as("nothing written").isEqualTo(events);

    Run republished = run("invalid", "republish", "--config", roleConfig("replayer").toString(), "--key", GARBAGE,
        "--reason", "decoder fixed");
    assertThat(republished.code()).as(republished.err()).isZero();
    assertThat(republished.out()).contains("republished 1 of 1", "by User:notifier-replayer (OS user ");
    assertThat(committed(TOPICS.events().name())).filteredOn(r -> GARBAGE.equals(r.key())).hasSize(2);
    List<ConsumerRecord<String, byte[]>> audit = committed(TOPICS.audit().name()).stream()
        .filter(r -> GARBAGE.equals(r.key())).toList();
    assertThat(audit).as("one audit record of the republication, the replayer's").hasSize(1);
    JsonNode a = new ObjectMapper().readTree(audit.get(0).value());
    assertThat(a.path("action").asText()).isEqualTo("invalid.republish");
    assertThat(a.path("principal").asText()).isEqualTo("User:notifier-replayer");
  }

  /**
   * The republished event above waits in notifier.events (the streams app has stopped). An analyst may not describe
   * the groups: the command and the console's page say which grant is missing.
   */
  @Test
  @Order(6)
  void anSreSeesWhatWaitsAndWhoOwnsWhatButNotTheEventsThemselvesAndGrowsTheSendTopic() throws Exception {
    Run backlog = run("backlog", "--config", roleConfig("sre").toString());
    Run analyst = run("backlog", "--config", roleConfig("analyst").toString());

    assertThat(backlog.code()).as(backlog.err()).isZero();
    assertThat(backlog.out()).contains("streams app notifier-streams: no member (Empty)")
        .containsPattern("notifier\\.events\\s+[1-9]\\d*\\s+\\d+\\s+unknown: no READ grant on the topic")
        .contains("workers notifier-senders: no member (Empty)");
    assertThat(analyst.code()).isEqualTo(2);
    assertThat(analyst.err()).contains("not authorized: the cluster refused User:notifier-analyst");

    // for more workers an SRE gives the send topic and its tiers more partitions; an analyst may not
    Run refused = run("topics", "grow", "--config", roleConfig("analyst").toString(), "--partitions", "4");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("not authorized");
    Run grown = run("topics", "grow", "--config", roleConfig("sre").toString(), "--partitions", "4");
    assertThat(grown.code()).as(grown.out() + grown.err()).isZero();
    assertThat(grown.out()).contains("grow " + TOPICS.send().name() + ": 3 -> 4 partitions", "grew ");
    ConsoleSettings settings = new ConsoleSettings("127.0.0.1", 0, List.of(new ConsoleUser.Configured("ann",
        Passwords.hash("ann-pw".toCharArray()), "viewer")), null, null, List.of());
    try (ConsoleServer console = ConsoleServer.start(settings, as("analyst"), TOPICS, a -> "", Clock.systemUTC())) {
      HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + console.port() + "/backlog")).header("Authorization", "Basic "
              + Base64.getEncoder().encodeToString("ann:ann-pw".getBytes(StandardCharsets.UTF_8))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("The cluster refused the console&#39;s Kafka principal", "(acls.sres)");
    }
  }

  @Test
  @Order(7)
  void withoutCredentialsTheSecuredListenerLetsNobodyIn() {
    Map<String, Object> props = new LinkedHashMap<>(tls());
    props.put("bootstrap.servers", kafka.secureBootstrapServers());
    props.put("security.protocol", "SSL"); // TLS, but no SASL: the listener speaks SASL_SSL only
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    try (KafkaProducer<String, byte[]> producer = producer(props)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPICS.events().name(), "k", new byte[] {1}))
          .get(10, TimeUnit.SECONDS)).isNotNull();
    }
  }

  // --- fixtures -----------------------------------------------------------------------------

  private static void assertRefused(String role, String topic) {
    Map<String, Object> props = new LinkedHashMap<>();
    as(role).clientProperties().forEach((k, v) -> props.put((String) k, v));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    try (KafkaProducer<String, byte[]> producer = producer(props)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "forged", new byte[] {0x42}))
          .get(30, TimeUnit.SECONDS))
          .as(role + " writing " + topic)
          .satisfiesAnyOf(
              e -> assertThat(e).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(
                  TopicAuthorizationException.class),
              e -> assertThat(e).isInstanceOf(TopicAuthorizationException.class));
    }
  }

  /** The committed records of {@code topic}, read through the broker's administrative listener. */
  private static List<ConsumerRecord<String, byte[]>> committed(String topic) {
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static KafkaProducer<String, byte[]> producer(Map<String, Object> props) {
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static String id(String address) {
    return NotificationIds.forAddress("acl-bug-1", address, "bug");
  }

  /** A client of {@code role}: SASL/SCRAM over TLS, the password read by Kafka's file config provider. */
  private static KafkaSettings as(String role) {
    Map<String, String> props = new LinkedHashMap<>(tls());
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", EmbeddedKafka.SCRAM_MECHANISM);
    props.put("config.providers", "file");
    props.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
    props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + "notifier-" + role + "\" password=\"${file:" + dir.resolve("passwords.properties") + ":" + role
        + ".password}\";");
    return new KafkaSettings(kafka.secureBootstrapServers(), "", props);
  }

  private static Map<String, String> tls() {
    return Map.of("ssl.truststore.type", "PKCS12", "ssl.truststore.location", dir.resolve("trust.p12").toString(),
        "ssl.truststore.password", "trust-secret");
  }

  private static Path roleConfig(String role) throws Exception {
    List<String> lines = new ArrayList<>(List.of("kafka:", "  bootstrapServers: " + kafka.secureBootstrapServers(),
        "  properties:"));
    as(role).properties().forEach((k, v) -> lines.add("    " + k + ": '" + v.replace("'", "''") + "'"));
    return config(role, lines);
  }

  private static Path adminConfig() throws Exception {
    return config("admin", new ArrayList<>(List.of("kafka:", "  bootstrapServers: " + kafka.bootstrapServers())));
  }

  private static Path config(String name, List<String> lines) throws Exception {
    lines.addAll(List.of("accounts:",
        "  - {id: local, systemDefault: true, host: 127.0.0.1, port: 2525, security: none, from: noreply@example.com}",
        "streams: {applicationId: notifier-streams}"));
    Path file = dir.resolve(name + ".yaml");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  private static BufferedReader lines(String... lines) {
    return new BufferedReader(new StringReader(String.join("\n", lines)));
  }
}
