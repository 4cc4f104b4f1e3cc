package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.admin.Finding;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How the poll loop sorts Kafka's errors, over Kafka's MockConsumer and MockProducer: fatal ones
 * stop the worker, an invalid fetch position is reset, anything else is logged and the loop goes
 * on. Each error is thrown by a poll of the send consumer; a poll task after it tells whether the
 * loop polled again.
 */
class SenderWorkerLoopTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final KafkaSettings kafka = KafkaSettings.of("mock:9092");
  private final String sendTopic = kafka.topics().send().name();
  private final TopicPartition partition = new TopicPartition(sendTopic, 0);
  private final LaggingMetadataConsumer send = new LaggingMetadataConsumer();
  private final MockConsumer<String, byte[]> retries = new MockConsumer<>("earliest");
  private final ExecutorService executor = WorkerHarness.workerExecutor();
  private SenderWorker worker;
  private Future<?> loop;

  @BeforeEach
  void startWorker() {
    send.updatePartitions(sendTopic, List.of(new PartitionInfo(sendTopic, 0, null, null, null)));
    // the retry and wait tiers, whose partition 0 this worker takes with send partition 0
    kafka.topics().retryTopics().forEach(t -> {
      retries.updatePartitions(t.name(), List.of(new PartitionInfo(t.name(), 0, null, null, null)));
      retries.updateBeginningOffsets(Map.of(new TopicPartition(t.name(), 0), 0L));
    });
    send.updateBeginningOffsets(Map.of(partition, 0L));
    send.schedulePollTask(() -> send.rebalance(List.of(partition)));
    WorkerSettings settings = new WorkerSettings("senders", "w1", Duration.ofMillis(5),
        List.of(AccountSettings.local("default", "127.0.0.1", 2525, WorkerHarness.FROM)));
    worker = new SenderWorker(WorkerContext.builder(kafka, settings).env(name -> null).clients(mocks()).build());
    loop = executor.submit(worker);
    Await.until(TIMEOUT, "the worker owning send partition 0", () -> worker.ownedSendPartitions() == 1);
  }

  @AfterEach
  void stopWorker() {
    worker.close();
    executor.shutdownNow();
  }

  @Test
  void anOffsetOutOfRangeSeeksToTheCommittedOffsetAndTheLoopGoesOn() throws Exception {
    send.commitSync(Map.of(partition, new OffsetAndMetadata(5)));
    send.updateEndOffsets(Map.of(partition, 20L));

    throwFromPoll(new OffsetOutOfRangeException("fetch position 9 is out of range", Map.of(partition, 9L)));

    assertThat(send.position(partition)).isEqualTo(5);
    assertThat(loop).isNotDone();
  }

  @Test
  void noOffsetForAPartitionSeeksToTheBeginningAndTheLoopGoesOn() throws Exception {
    send.updateBeginningOffsets(Map.of(partition, 2L));

    throwFromPoll(new NoOffsetForPartitionException(partition));

    assertThat(send.position(partition)).isEqualTo(2);
    assertThat(loop).isNotDone();
  }

  /**
   * The send topic and its tiers given a second partition, which the group gives to another worker: this one is told
   * of no new assignment (cooperative rebalancing moves nothing of its own), yet its share must halve, or the two
   * would send at one and a half times the account's rate and quota. When the new partition comes to it, so do its
   * tiers' partitions, or mail deferred there would wait for an owner forever.
   */
  @Test
  void partitionsAddedToTheSendTopicAndItsTiersAreFollowedWithOrWithoutAnAssignment() {
    int tiers = kafka.topics().retryTopics().size();
    TopicPartition added = new TopicPartition(sendTopic, 1);
    send.updatePartitions(sendTopic, List.of(new PartitionInfo(sendTopic, 0, null, null, null),
        new PartitionInfo(sendTopic, 1, null, null, null)));
    send.updateBeginningOffsets(Map.of(added, 0L));
    kafka.topics().retryTopics().forEach(t -> {
      retries.updatePartitions(t.name(), List.of(new PartitionInfo(t.name(), 0, null, null, null),
          new PartitionInfo(t.name(), 1, null, null, null)));
      retries.updateBeginningOffsets(Map.of(new TopicPartition(t.name(), 1), 0L));
    });

    Await.until(TIMEOUT, "the worker's shares of 2 send partitions", () -> worker.sendPartitionCount() == 2);
    assertThat(worker.ownedSendPartitions()).isEqualTo(1);
    assertThat(worker.ownedRetryPartitions()).as("partition 0 of each tier").isEqualTo(tiers);

    send.schedulePollTask(() -> send.rebalance(List.of(partition, added)));
    Await.until(TIMEOUT, "both partitions of every tier", () -> worker.ownedRetryPartitions() == 2 * tiers);
    assertThat(loop).isNotDone();
  }

  /**
   * A rebalance after the send topic was given a partition that went to another worker: this one keeps its own and its
   * metadata does not know of the new one yet (it refreshes only every {@code metadata.max.age.ms}). Its shares must
   * halve at the rebalance all the same, so it asks the cluster.
   */
  @Test
  void aRebalanceAsksTheClusterForThePartitionCountNotTheMetadata() {
    send.metadataLags(sendTopic);
    send.updatePartitions(sendTopic, List.of(new PartitionInfo(sendTopic, 0, null, null, null),
        new PartitionInfo(sendTopic, 1, null, null, null)));
    assertThat(send.partitionsFor(sendTopic)).as("the metadata, behind").hasSize(1);

    send.schedulePollTask(() -> send.rebalance(List.of(partition)));
    Await.until(TIMEOUT, "the worker's shares of 2 send partitions", () -> worker.sendPartitionCount() == 2);
    assertThat(worker.ownedSendPartitions()).isEqualTo(1);
  }

  /** Kafka's MockConsumer whose metadata ({@code partitionsFor}) can lag behind the cluster ({@code listTopics}). */
  private static final class LaggingMetadataConsumer extends MockConsumer<String, byte[]> {
    private final Map<String, List<PartitionInfo>> known = new java.util.concurrent.ConcurrentHashMap<>();

    LaggingMetadataConsumer() {
      super("earliest");
    }

    /** From now on, {@code partitionsFor(topic)} answers what the topic has now. */
    void metadataLags(String topic) {
      known.put(topic, super.partitionsFor(topic));
    }

    @Override
    public synchronized List<PartitionInfo> partitionsFor(String topic) {
      return known.containsKey(topic) ? known.get(topic) : super.partitionsFor(topic);
    }
  }

  static Stream<KafkaException> recoverable() {
    return Stream.of(new TimeoutException("the coordinator did not answer in time"),
        new RebalanceInProgressException("a rebalance is under way"),
        new KafkaException("a rebalance listener failed"));
  }

  @ParameterizedTest
  @MethodSource("recoverable")
  void aRecoverableErrorIsLoggedAndTheLoopGoesOn(KafkaException e) throws Exception {
    throwFromPoll(e);

    assertThat(loop).isNotDone();
  }

  static Stream<KafkaException> fatal() {
    return Stream.of(new GroupAuthorizationException("senders is not allowed"),
        new SaslAuthenticationException("wrong password"),
        new FencedInstanceIdException("another worker has group.instance.id w1"),
        new UnsupportedVersionException("the broker is too old"),
        new InvalidGroupIdException("the group id is empty"),
        new InvalidSessionTimeoutException("the session timeout is not within the range allowed by the broker"));
  }

  @ParameterizedTest
  @MethodSource("fatal")
  void aFatalErrorStopsTheWorker(KafkaException e) {
    send.schedulePollTask(() -> send.setPollException(e));

    assertThatCode(() -> loop.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the loop ends by itself, quietly")
        .doesNotThrowAnyException();
    assertThat(worker.status().loopEnded()).isTrue();
  }

  /** Makes the next poll of the send consumer throw {@code e}, and waits for the poll after it. */
  private void throwFromPoll(KafkaException e) throws InterruptedException {
    CountDownLatch polledAgain = new CountDownLatch(1);
    send.schedulePollTask(() -> send.setPollException(e));
    send.schedulePollTask(polledAgain::countDown);
    assertThat(polledAgain.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("a poll after %s", e).isTrue();
  }

  private KafkaClients mocks() {
    return new KafkaClients() {
      private int consumers;

      @Override
      @SuppressWarnings("unchecked")
      public <V> Consumer<String, V> consumer(Properties properties, Deserializer<V> values) {
        return (Consumer<String, V>) (consumers++ == 0 ? send : retries);
      }

      @Override
      public Producer<String, Object> producer(Properties properties, Serializer<Object> values) {
        return new MockProducer<>(true, null, new StringSerializer(), values);
      }

      @Override
      public List<Finding> requireTopics(KafkaSettings kafka, List<Topic<?, ?>> used) {
        return List.of();
      }
    };
  }
}
