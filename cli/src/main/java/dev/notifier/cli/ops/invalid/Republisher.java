package dev.notifier.cli.ops.invalid;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notifier.cli.ops.AuditRecords;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.cli.ops.dlt.Replayer.Provenance;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.AclCatalogue;
import dev.notifier.schemas.admin.TopicCheck;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Puts invalid events back on the events topic, once what made them invalid is fixed (a schema registered, the
 * notifier upgraded to read a newer one, {@code streams.maxEventBytes} raised): the bytes, key and headers as the
 * upstream published them, the topology's error headers taken off, with {@value #COUNT_HEADER}, {@value #AT_HEADER},
 * {@value #BY_HEADER} and {@value #FROM_HEADER} added, and one record on the audit topic per event, in the same
 * transaction. The record gets a new timestamp: the topology's release delay counts from the republication, as the
 * workers' delivery delay counts from a dead letter's replay.
 *
 * <p>Never twice: an invalid record the audit says was republished is skipped, so the same command run twice
 * writes nothing the second time; an event still invalid when it comes back is a new record, carrying its count,
 * and one republished {@code maxRepublish} times is quarantined unless forced. An event that did reach the
 * topology twice is still mailed once within the dedup window (its notification ids are its event id's).
 */
public final class Republisher {

  public static final String ACTION = "invalid.republish";
  public static final String COUNT_HEADER = "notifier.republish.count";
  static final String AT_HEADER = "notifier.republish.at";
  static final String BY_HEADER = "notifier.republish.by";
  static final String FROM_HEADER = "notifier.republish.from";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Properties clientProperties;
  private final Topics topics;
  private final Clock clock;

  public Republisher(Properties clientProperties, Topics topics, Clock clock) {
    this.clientProperties = clientProperties;
    this.topics = topics;
    this.clock = clock;
  }

  /** What a republication of {@code matched} would do. */
  public record Plan(List<InvalidEvent> toRepublish, List<InvalidEvent> alreadyRepublished, List<InvalidEvent> quarantined) {
  }

  public Plan plan(List<InvalidEvent> matched, TopicReader reader, int maxRepublish, boolean force) {
    Set<String> done = republishedPositions(reader);
    List<InvalidEvent> already = matched.stream().filter(e -> done.contains(e.position())).toList();
    List<InvalidEvent> rest = matched.stream().filter(e -> !done.contains(e.position())).toList();
    List<InvalidEvent> quarantined = force ? List.of() : rest.stream().filter(e -> e.republished() >= maxRepublish)
        .toList();
    return new Plan(rest.stream().filter(e -> !quarantined.contains(e)).toList(), already, quarantined);
  }

  /** Writes the plan's events, one transaction each (the event and its audit record); returns how many. */
  public int republish(Plan plan, Provenance provenance, boolean forced) {
    TopicCheck.requireReady(clientProperties, topics, List.of(topics.events(), topics.audit()),
        "notifier invalid republish");
    int written = 0;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.initTransactions();
      for (InvalidEvent e : plan.toRepublish()) {
        Instant now = clock.instant();
        producer.beginTransaction();
        try {
          producer.send(eventRecord(e, provenance, now));
          producer.send(new ProducerRecord<>(topics.audit().name(), e.key(),
              audit(e, provenance, forced, now).getBytes(StandardCharsets.UTF_8)));
          producer.commitTransaction();
        } catch (KafkaException ex) {
          producer.abortTransaction();
          throw ex;
        }
        written++;
      }
      return written;
    } catch (KafkaException ex) {
      throw new OpsException("republishing stopped after " + written + " of " + plan.toRepublish().size()
          + " events: " + ex.getMessage() + "; fix the cause and run the same command again (what was written is "
          + "skipped)", ex);
    }
  }

  private ProducerRecord<String, byte[]> eventRecord(InvalidEvent e, Provenance provenance, Instant now) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.events().name(), null, now.toEpochMilli(),
        e.key(), e.value());
    for (Header h : e.headers()) {
      if (!h.key().startsWith("notifier.republish.")) {
        record.headers().add(h);
      }
    }
    record.headers().add(COUNT_HEADER, utf8(String.valueOf(e.republished() + 1)))
        .add(AT_HEADER, utf8(now.toString()))
        .add(BY_HEADER, utf8(provenance.principal()))
        .add(FROM_HEADER, utf8(topics.invalidEvents().name() + "@" + e.position()));
    return record;
  }

  private static String audit(InvalidEvent e, Provenance provenance, boolean forced, Instant at) {
    ObjectNode node = JSON.createObjectNode();
    node.put("action", ACTION);
    node.put("key", e.key());
    node.put("error", e.error());
    node.put("principal", provenance.principal());
    node.put("osUser", provenance.osUser());
    node.put("reason", provenance.reason());
    node.put("republishCount", e.republished() + 1);
    node.put("forced", forced);
    node.put("fromPartition", e.partition());
    node.put("fromOffset", e.offset());
    node.put("at", at.toString());
    return node.toString();
  }

  /** The positions on the invalid topic that the audit says were republished. */
  private Set<String> republishedPositions(TopicReader reader) {
    Set<String> positions = new HashSet<>();
    AuditRecords.forEach(reader, topics.audit().name(), key -> true, ACTION::equals,
        (key, node) -> positions.add(node.path("fromPartition").asInt() + ":" + node.path("fromOffset").asLong()));
    return positions;
  }

  private Properties producerProperties() {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, AclCatalogue.REPUBLISH_TRANSACTIONAL_ID_PREFIX + UUID.randomUUID());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "notifier-invalid-republish");
    return p;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
