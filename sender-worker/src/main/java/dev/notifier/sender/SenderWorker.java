package dev.notifier.sender;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.sender.deadletter.DeadLetters;
import dev.notifier.sender.deadletter.FailureClass;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpDeliverer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sender worker: consumes {@code notifier.send} (read committed) in the shared consumer group,
 * delivers each notification over SMTP, writes its outcome (SENT status, or a dead letter and a
 * DEAD status), and commits offsets only after those writes are acknowledged. A crash can only
 * resend what was in flight; nothing is dropped.
 */
public final class SenderWorker implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SenderWorker.class);

  private final Topics topics;
  private final WorkerSettings settings;
  private final Clock clock;
  private final KafkaConsumer<String, Notification> consumer;
  private final KafkaProducer<String, Object> producer;
  private final SmtpDeliverer deliverer;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Future<RecordMetadata>> unacknowledged = new ArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean running = true;

  public SenderWorker(KafkaSettings kafka, WorkerSettings settings, Clock clock, Function<String, String> env) {
    this.topics = kafka.topics();
    this.settings = settings;
    this.clock = clock;
    this.consumer = new KafkaConsumer<>(consumerProperties(kafka, settings), Serdes.String().deserializer(),
        topics.send().valueSerde().deserializer());
    this.producer = new KafkaProducer<>(producerProperties(kafka, settings), Serdes.String().serializer(),
        new OutcomeSerializer(topics));
    this.deliverer = new SmtpDeliverer(settings.accountsById(), env);
  }

  static Properties consumerProperties(KafkaSettings kafka, WorkerSettings settings) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.workerId());
    // only notifications the streams app committed; never one from an aborted transaction
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // offsets are committed by hand, after the send and its outcome are durable
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // a new group starts from the oldest unsent notification, not from the end
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // adding or removing a worker moves only the partitions that must move
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    // bounded batches keep each poll loop far inside max.poll.interval.ms even at slow SMTP speeds
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    return props;
  }

  static Properties producerProperties(KafkaSettings kafka, WorkerSettings settings) {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.workerId() + "-outcomes");
    // statuses and dead letters must not be lost or duplicated by producer retries
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return props;
  }

  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("worker " + settings.workerId() + " is already running");
    }
    try {
      consumer.subscribe(List.of(topics.send().name()), new Rebalance());
      while (running) {
        pollOnce();
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (AuthorizationException | FencedInstanceIdException | UnsupportedVersionException e) {
      LOG.error("worker {} stops: fatal Kafka error: {}", settings.workerId(), e.toString());
    } catch (RuntimeException e) {
      LOG.error("worker {} stops: unexpected error; uncommitted notifications will be redelivered",
          settings.workerId(), e);
      throw e;
    } finally {
      closeClients();
      stopped.countDown();
    }
  }

  private void pollOnce() {
    ConsumerRecords<String, Notification> records;
    try {
      records = consumer.poll(settings.pollTimeout());
    } catch (RecordDeserializationException e) {
      LOG.error("worker {}: record {} at offset {} is not a readable Notification ({}); skipping it",
          settings.workerId(), e.topicPartition(), e.offset(), e.getMessage());
      consumer.seek(e.topicPartition(), e.offset() + 1);
      return;
    }
    if (records.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    Map<TopicPartition, Long> batchStart = new HashMap<>();
    try {
      for (ConsumerRecord<String, Notification> record : records) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        batchStart.putIfAbsent(partition, record.offset());
        handle(record);
        done.put(partition, new OffsetAndMetadata(record.offset() + 1));
      }
    } finally {
      commit(done, batchStart);
    }
  }

  private void handle(ConsumerRecord<String, Notification> record) {
    Notification n = record.value();
    try {
      deliverer.deliver(n);
      write(new ProducerRecord<>(topics.status().name(), n.getNotificationId(), status(n, DeliveryState.SENT,
          null, null)));
      LOG.info("SENT {} via {} ({})", n.getNotificationId(), n.getAccount(), n.getEventType());
    } catch (DeliveryException e) {
      FailureClass failureClass = FailureClass.of(e);
      DeadLetter letter = DeadLetters.of(n, failureClass, e, settings.workerId(), clock.instant());
      write(new ProducerRecord<>(topics.deadLetters().name(), null, n.getNotificationId(), letter,
          DeadLetters.origin(record, letter)));
      write(new ProducerRecord<>(topics.status().name(), n.getNotificationId(),
          status(n, DeliveryState.DEAD, failureClass.name(), e.getMessage())));
      LOG.warn("DEAD {} via {} class={} {}", n.getNotificationId(), n.getAccount(), failureClass, e.getMessage());
    }
  }

  private DeliveryStatus status(Notification n, DeliveryState state, String reason, String detail) {
    return DeliveryStatus.newBuilder()
        .setNotificationId(n.getNotificationId())
        .setEventId(n.getEventId())
        .setEventType(n.getEventType())
        .setUserId(n.getRecipient().getUserId())
        .setEmail(n.getRecipient().getEmail())
        .setState(state)
        .setReason(reason)
        .setDetail(detail)
        .setAccount(n.getAccount())
        .setAttempts(1)
        .setAt(clock.instant())
        .build();
  }

  private void write(ProducerRecord<String, Object> outcome) {
    unacknowledged.add(producer.send(outcome));
  }

  /**
   * Commits only after every outcome written for the batch is acknowledged by the broker. If one
   * was not, nothing is committed and the batch's partitions are rewound, so its notifications
   * are delivered again rather than left without an outcome.
   */
  private void commit(Map<TopicPartition, OffsetAndMetadata> done, Map<TopicPartition, Long> batchStart) {
    if (done.isEmpty()) {
      return;
    }
    producer.flush();
    if (!outcomesAcknowledged()) {
      batchStart.forEach(consumer::seek);
      return;
    }
    try {
      commitSync(done);
    } catch (KafkaException e) {
      LOG.warn("worker {}: commit failed ({}); the uncommitted notifications will be redelivered",
          settings.workerId(), e.toString());
    }
  }

  /** A wake-up from {@link #close()} must not cost the batch's commit: it fires once, so retry once. */
  private void commitSync(Map<TopicPartition, OffsetAndMetadata> done) {
    try {
      consumer.commitSync(done);
    } catch (WakeupException e) {
      consumer.commitSync(done);
    }
  }

  private boolean outcomesAcknowledged() {
    boolean acknowledged = true;
    for (Future<RecordMetadata> future : unacknowledged) {
      try {
        future.get();
      } catch (ExecutionException e) {
        acknowledged = false;
        LOG.error("worker {}: an outcome was not written ({}); the batch will be delivered again",
            settings.workerId(), e.getCause().toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        acknowledged = false;
      }
    }
    unacknowledged.clear();
    return acknowledged;
  }

  private void closeClients() {
    deliverer.close();
    producer.close();
    consumer.close();
  }

  /** Stops the loop and waits for the worker to close its clients. */
  @Override
  public void close() {
    running = false;
    if (started.compareAndSet(false, true)) {
      closeClients();
      stopped.countDown();
      return;
    }
    consumer.wakeup();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // offsets are committed at the end of every batch, so nothing in flight remains to hand back
      LOG.info("worker {} revoked {}", settings.workerId(), partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      LOG.info("worker {} assigned {}", settings.workerId(), partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // the partitions belong to someone else now: commit nothing
      LOG.warn("worker {} lost {}", settings.workerId(), partitions);
    }
  }
}
