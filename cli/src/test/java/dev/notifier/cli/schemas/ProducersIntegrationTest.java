package dev.notifier.cli.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DomainEvent;
import dev.notifier.cli.NotifierCommand;
import dev.notifier.schemas.Fingerprints;
import dev.notifier.schemas.Topics;
import dev.notifier.streams.parse.EventParser;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.RequiredTools;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producers the README shows, run as a user would run them against a real broker: a Python
 * producer with Debian's python3-avro 1.11 and python3-confluent-kafka (Avro single-object
 * encoding, with the schema printed by {@code notifier schemas --avsc}), and kcat publishing JSON.
 * Each event it wrote is read back from the topic and parsed as the topology parses it.
 *
 * <p>The tools come from Debian packages, which {@code .ci/run} installs; where they are missing
 * the test is skipped with the command that installs them, unless {@code NOTIFIER_REQUIRE_TOOLS}
 * is set (as in CI), when their absence fails it.
 */
class ProducersIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Path EXAMPLES = Path.of("..", "examples", "producers").toAbsolutePath().normalize();
  private static EmbeddedKafka kafka;
  private final Topics topics = Topics.standard();

  @TempDir
  Path dir;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(1).start();
    kafka.createTopic(Topics.standard().events().name(), 1, java.util.Map.of());
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void aPythonProducerWithDebiansAvroPublishesAnEventTheTopologyReads() throws Exception {
    requireTool("/usr/bin/python3", "-c", "import avro.io, confluent_kafka");
    Path schema = dir.resolve("DomainEvent.avsc");
    Files.writeString(schema, run("schemas", "--avsc", "DomainEvent"));
    assertThat(Fingerprints.of(new Schema.Parser().parse(schema.toFile())))
        .as("the printed .avsc is the schema").isEqualTo(Fingerprints.of(DomainEvent.getClassSchema()));
    assertThat(Files.readString(schema)).as("no property only Avro for Java reads").doesNotContain("avro.java");

    String out = exec("/usr/bin/python3", EXAMPLES.resolve("produce_avro.py").toString(), "--bootstrap-server",
        kafka.bootstrapServers(), "--schema", schema.toString(), "--event-id", "py-42", "--type", "bug.assigned",
        "--actor", "carol", "--to", "alice");

    assertThat(out).contains("published py-42");
    ConsumerRecord<String, byte[]> record = awaitEvent("py-42");
    long written = Fingerprints.writerOf(record.value());
    assertThat(written).as("Avro for Python 1.11 fingerprints its own canonical form")
        .isEqualTo(Fingerprints.python111(DomainEvent.getClassSchema()));
    DomainEvent event = new EventParser(1 << 20).parse(record.value());
    assertThat(event.getEventId()).isEqualTo("py-42");
    assertThat(event.getActor().getUserId()).isEqualTo("carol");
    assertThat(event.getTo()).extracting(p -> p.getUserId()).containsExactly("alice");
  }

  @Test
  void kcatPublishesAJsonEventTheTopologyReads() throws Exception {
    requireTool("kcat", "-V");

    String out = exec("sh", EXAMPLES.resolve("produce_json.sh").toString(), kafka.bootstrapServers(), "kcat-42");

    assertThat(out).contains("published kcat-42");
    DomainEvent event = new EventParser(1 << 20).parse(awaitEvent("kcat-42").value());
    assertThat(event.getEventId()).isEqualTo("kcat-42");
    assertThat(event.getTo()).extracting(p -> p.getUserId()).containsExactly("alice");
  }

  @Test
  void theSchemasCommandListsEveryFingerprintTheParserAccepts() {
    String list = run("schemas");

    assertThat(list).contains(Fingerprints.hex(Fingerprints.of(DomainEvent.getClassSchema())))
        .contains(Fingerprints.hex(Fingerprints.python111(DomainEvent.getClassSchema())))
        .contains("DomainEvent     v1");
    assertThat(run("schemas", "--canonical", "DomainEvent"))
        .isEqualTo(org.apache.avro.SchemaNormalization.toParsingForm(DomainEvent.getClassSchema()) + "\n");
  }

  private ConsumerRecord<String, byte[]> awaitEvent(String key) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      TopicPartition p = new TopicPartition(topics.events().name(), 0);
      consumer.assign(List.of(p));
      consumer.seekToBeginning(List.of(p));
      Await.until(TIMEOUT, "event " + key + " on " + p, () -> {
        consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        return seen.stream().anyMatch(r -> key.equals(r.key()));
      });
    }
    return seen.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow();
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = NotifierCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(code).as("notifier %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }

  /** Skips (or, with NOTIFIER_REQUIRE_TOOLS set, fails) when the command cannot run. */
  private static void requireTool(String... probe) {
    RequiredTools.require(RequiredTools.runs(Duration.ofSeconds(30), probe), String.join(" ", probe)
        + " does not work here: apt-get install python3-avro python3-confluent-kafka kcat (.ci/run does)");
  }

  private static String exec(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean done = p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(done).as("%s finished within %s: %s", command[0], TIMEOUT, out).isTrue();
    assertThat(p.exitValue()).as("%s exit code: %s", String.join(" ", command), out).isZero();
    return out;
  }
}
