package dev.notifier.cli.ops.dlt;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.ProgressBar;
import dev.notifier.schemas.DeliveryStatuses;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.schemas.ReplayHeaders;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.AclCatalogue;
import dev.notifier.schemas.admin.TopicCheck;
import dev.notifier.schemas.integrity.Keyring;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Republishes dead letters to the send topic: the notification unchanged (same id, so its
 * {@code Message-ID} and ledger key stay), the provenance in {@link ReplayHeaders}, and a QUEUED
 * status with reason {@code replayed} and an audit record ({@link ReplayAudit}) — all in one transaction, so the ledger never says
 * "replayed" for a record the workers will not see, nor the reverse (see {@link ReplayPlan}).
 * One transaction per notification: a failure stops the run with an exact count of what was written.
 */
public final class Replayer {

  private final Properties clientProperties;
  private final Topics topics;
  private final Clock clock;
  private final Serializer<Notification> notifications;
  private final Keyring integrity;

  /**
   * A replayer writing to the topics of {@code topics}: a decoded notification goes back to the send
   * topic in the send topic's own format — the schema registry's wire format when {@code topics} were
   * made by {@code RegistryOutputs.writing} with {@code outputs: registry}, Avro single-object encoding
   * otherwise — so the topic keeps one format and analysts' registry tools read a replayed record too.
   */
  public Replayer(Properties clientProperties, Topics topics, Clock clock) {
    this(clientProperties, topics, clock, Keyring.off());
  }

  /**
   * As above, signing each record written to the send topic with {@code integrity} when it signs (the config's
   * {@code integrity} section): a worker requiring signatures sends a replayed notification like the topology's.
   */
  public Replayer(Properties clientProperties, Topics topics, Clock clock, Keyring integrity) {
    this.integrity = integrity;
    this.clientProperties = clientProperties;
    this.topics = topics;
    this.clock = clock;
    this.notifications = topics.send().valueSerde().serializer();
  }

  /**
   * Who replays and why: the Kafka principal the cluster authenticates (and authorizes to write the
   * send topic), the OS user beside it, and the reason; recorded in headers, the ledger and the audit.
   */
  public record Provenance(String principal, String osUser, String reason) {

    /** "User:ann (OS user ann)", as the ledger and the command's output show it. */
    public String who() {
      return principal + " (OS user " + osUser + ")";
    }
  }

  /**
   * Replays the plan's notifications, paced; returns how many were written. {@code replayCounts}: how
   * often each was replayed before (the audit's count), {@code forced}: the loop guard was overridden.
   */
  public int replay(ReplayPlan plan, Provenance provenance, Map<String, Integer> replayCounts, boolean forced,
      Pacer pacer, ProgressBar progress) {
    int written = 0;
    // a producer's first send to a missing topic would create it with the broker's defaults
    TopicCheck.requireReady(clientProperties, topics, List.of(topics.send(), topics.status(), topics.schemas(),
        topics.audit()), "notifier dlt replay");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(),
        new ByteArraySerializer())) {
      // workers of an older release find the schema of what is replayed here
      KafkaSchemaStore.publish(clientProperties, topics.schemas().name(), KafkaSchemaStore.written(),
          java.time.Duration.ofSeconds(30));
      producer.initTransactions();
      for (DeadLetterEntry entry : plan.toReplay()) {
        pacer.acquire();
        producer.beginTransaction();
        try {
          Instant now = clock.instant();
          int count = replayCounts.getOrDefault(entry.notificationId(), 0) + 1;
          producer.send(sendRecord(entry, provenance, count, now));
          producer.send(statusRecord(entry, provenance, now));
          producer.send(new ProducerRecord<>(topics.audit().name(), entry.notificationId(),
              utf8(ReplayAudit.record(entry, provenance, count, forced, now))));
          producer.commitTransaction();
        } catch (KafkaException e) {
          producer.abortTransaction();
          throw e;
        }
        written++;
        progress.update(written);
      }
      return written;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpsException("replay interrupted after " + written + " of " + plan.toReplay().size()
          + " notifications; run the same replay again to finish (what was written is skipped as in-flight)");
    } catch (KafkaException e) {
      throw new OpsException("replay stopped after " + written + " of " + plan.toReplay().size() + " notifications: "
          + e.getMessage() + "; fix the cause and run the same replay again (what was written is skipped)", e);
    } finally {
      progress.finish();
    }
  }

  private ProducerRecord<String, byte[]> sendRecord(DeadLetterEntry entry, Provenance provenance, int count,
      Instant now) {
    ProducerRecord<String, byte[]> record;
    if (entry.undecoded()) {
      // an undecodable record goes back as it came, bytes and headers, for a worker that can now read it
      record = new ProducerRecord<>(topics.send().name(), entry.notificationId(), entry.rawValue());
      entry.headers().forEach((key, value) -> {
        if (!key.startsWith("notifier.original.") && !key.startsWith("notifier.exception.")
            && !key.startsWith("notifier.retry.") && !key.startsWith("notifier.replay.")) {
          record.headers().add(key, utf8(value));
        }
      });
    } else {
      Notification n = entry.notification();
      record = new ProducerRecord<>(topics.send().name(), n.getNotificationId(),
          notifications.serialize(topics.send().name(), n));
    }
    Headers h = record.headers();
    h.add(ReplayHeaders.FROM_TOPIC, utf8(entry.topic()));
    h.add(ReplayHeaders.FROM_PARTITION, utf8(String.valueOf(entry.partition())));
    h.add(ReplayHeaders.FROM_OFFSET, utf8(String.valueOf(entry.offset())));
    h.add(ReplayHeaders.AT, utf8(now.toString()));
    h.add(ReplayHeaders.BY, utf8(provenance.principal()));
    h.add(ReplayHeaders.OS_USER, utf8(provenance.osUser()));
    h.add(ReplayHeaders.REASON, utf8(provenance.reason()));
    h.add(ReplayHeaders.COUNT, utf8(String.valueOf(count)));
    // over the bytes written; replaces a signature an undecodable record came with
    integrity.sign(h, record.key(), record.value());
    return record;
  }

  private ProducerRecord<String, byte[]> statusRecord(DeadLetterEntry entry, Provenance provenance, Instant now) {
    String detail = "replayed from " + entry.topic() + " " + entry.position() + " by " + provenance.who() + ": "
        + provenance.reason();
    DeliveryStatus status = entry.undecoded()
        ? DeliveryStatus.newBuilder().setNotificationId(entry.notificationId()).setEventId("")
            .setState(DeliveryState.QUEUED).setReason(ReplayHeaders.LEDGER_REASON).setDetail(detail).setAttempts(0)
            .setAt(now).build()
        : DeliveryStatuses.of(entry.notification(), DeliveryState.QUEUED, ReplayHeaders.LEDGER_REASON, detail, 0, now);
    return new ProducerRecord<>(topics.status().name(), entry.notificationId(), topics.status().valueSerde().serializer()
        .serialize(topics.status().name(), status));
  }

  private Properties producerProperties() {
    Properties props = new Properties();
    props.putAll(clientProperties);
    // the send record and its QUEUED status are written together or not at all
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, AclCatalogue.REPLAY_TRANSACTIONAL_ID_PREFIX + UUID.randomUUID());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "notifier-dlt-replay");
    return props;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
