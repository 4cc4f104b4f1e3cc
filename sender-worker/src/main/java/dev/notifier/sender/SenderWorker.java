package dev.notifier.sender;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.sender.guard.AccountGuard;
import dev.notifier.sender.retry.ReplyClassifier;
import dev.notifier.sender.throttle.AccountThrottle;
import dev.notifier.sender.throttle.Throttles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sender worker. Any number run in one consumer group; each delivers the notifications of the
 * partitions it owns.
 *
 * <p>One thread polls: a consumer of {@code notifier.send} (group {@code groupId}) and a consumer of
 * the retry topics (group {@code groupId-retry}; a retry partition is paused until its head is
 * due). It never blocks: deliveries go to per-account {@link AccountLane}s, and an account whose
 * backlog is full has further mail deferred to the wait topic, so the loop stays far inside
 * {@code max.poll.interval.ms} and one account never holds up another. What a worker holds in
 * memory is bounded too: an account whose rate is too high for its backlog to fit in its lane's
 * capacity makes the worker pause fetching while that lane is full, instead of deferring mail its
 * connections will reach within a second (see {@link #holdFetching()}). Offsets are committed only
 * up to the lowest record not yet finished (sent, re-queued or dead-lettered, and that outcome
 * acknowledged), so a crash can only resend what was in flight.
 *
 * <p>The account limits hold across all workers: each worker's throttles run at the share of the
 * send topic's partitions it owns, recomputed on every rebalance (cooperative-sticky, so a
 * partition is never owned by two workers at once and the shares never sum above one).
 *
 * <p>Its meters ({@link WorkerMetrics}) go to the registry it is given, and {@link #status()} says
 * what a health check needs: assigned yet, a usable account, the poll loop alive and looping.
 */
public final class SenderWorker implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SenderWorker.class);

  /** Records one poll returns: the most the loop hands to the lanes at once. */
  static final int MAX_POLL_RECORDS = 200;
  /**
   * How often finished offsets are committed. Each commit is a synchronous round trip that holds
   * up the loop; committing a little later only widens what a crash would resend, never loses mail.
   */
  static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
  /** The poll time-out while fetching is held (see {@link #holdFetching()}). */
  static final Duration HELD_POLL_TIMEOUT = Duration.ofMillis(5);

  private final Topics topics;
  private final WorkerSettings settings;
  private final Clock clock;
  private final KafkaProducer<String, Object> producer;
  private final OffsetTracker tracker = new OffsetTracker();
  private final Throttles throttles;
  private final Map<String, AccountLane> lanes = new HashMap<>();
  private final OutcomeWriter outcomes;
  private final PartitionSource send;
  private final PartitionSource retries;
  private final WorkerMetrics metrics;
  private final Duration stallBound;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicReference<Exception> fatal = new AtomicReference<>();
  private volatile boolean running = true;
  private volatile boolean assigned;
  private volatile boolean loopEnded;
  private volatile boolean loopStarted;
  private volatile long lastLoopNanos;
  private boolean holding;

  /** A worker whose meters go to a registry of their own (nobody scrapes them: tests, benchmarks). */
  public SenderWorker(KafkaSettings kafka, WorkerSettings settings, Clock clock, Function<String, String> env) {
    this(kafka, settings, clock, env, Sleeper.SYSTEM);
  }

  public SenderWorker(KafkaSettings kafka, WorkerSettings settings, Clock clock, Function<String, String> env,
      Sleeper sleeper) {
    this(kafka, settings, clock, env, sleeper, new SimpleMeterRegistry());
  }

  /** A worker that registers its meters in {@code registry} (the process's, which the management endpoint serves). */
  public SenderWorker(KafkaSettings kafka, WorkerSettings settings, Clock clock, Function<String, String> env,
      MeterRegistry registry) {
    this(kafka, settings, clock, env, Sleeper.SYSTEM, registry);
  }

  public SenderWorker(KafkaSettings kafka, WorkerSettings settings, Clock clock, Function<String, String> env,
      Sleeper sleeper, MeterRegistry registry) {
    this.topics = kafka.topics();
    this.settings = settings;
    this.clock = clock;
    this.metrics = new WorkerMetrics(registry, settings.accounts().stream().map(AccountSettings::id).toList());
    this.stallBound = maxPollInterval(kafka);
    this.producer = new KafkaProducer<>(producerProperties(kafka, settings), Serdes.String().serializer(),
        new OutcomeSerializer(topics));
    this.outcomes = new OutcomeWriter(topics, producer, settings.backoff(), clock, settings.workerId(),
        () -> ThreadLocalRandom.current().nextDouble(), this::fail, metrics);
    this.throttles = new Throttles(settings.accounts().stream()
        .collect(Collectors.toMap(AccountSettings::id, AccountSettings::limits)), clock);
    ReplyClassifier classifier = ReplyClassifier.defaults();
    for (AccountSettings account : settings.accounts()) {
      AccountGuard guard = new AccountGuard(account.id(), settings.breaker(), clock);
      AccountThrottle throttle = throttles.forAccount(account.id());
      lanes.put(account.id(), new AccountLane(account, throttle, guard, classifier, outcomes,
          d -> tracker.finished(d.partition(), d.offset()), sleeper, env, settings.workerId(),
          metrics.account(account.id())));
      metrics.bindAccount(account.id(), guard, throttle);
    }
    Dispatcher dispatcher = new Dispatcher();
    this.send = new PartitionSource("send", consumer(kafka, settings.groupId(), "send"),
        List.of(topics.send().name()), tracker, dispatcher, clock, settings.drainTimeout(), this::onSendAssignment);
    this.retries = new PartitionSource("retry", consumer(kafka, retryGroup(settings.groupId()), "retry"),
        topics.retryTopics().stream().map(Topic::name).collect(Collectors.toList()), tracker, dispatcher, clock,
        settings.drainTimeout(), owned -> { });
    metrics.bindClients(List.of(send.consumer(), retries.consumer()), producer);
  }

  /** The consumers' {@code max.poll.interval.ms}: the kafka section's, else Kafka's default (5 minutes). */
  private static Duration maxPollInterval(KafkaSettings kafka) {
    Object configured = kafka.clientProperties().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
    long ms = configured == null ? 300_000 : Long.parseLong(configured.toString().trim());
    return Duration.ofMillis(ms);
  }

  /** The consumer group of the retry topics for workers of group {@code groupId}. */
  public static String retryGroup(String groupId) {
    return groupId + "-retry";
  }

  private KafkaConsumer<String, Notification> consumer(KafkaSettings kafka, String groupId, String role) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.workerId() + "-" + role);
    // only notifications the streams app committed; never one from an aborted transaction
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // offsets are committed by hand, up to the lowest notification not yet finished
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // a new group starts from the oldest unsent notification, not from the end
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // adding or removing a worker moves only the partitions that must move, one owner at a time
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    // bounded batches: the loop hands records to lanes without blocking
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    // bounded fetch buffers: a notification is a few KB, so 256 KB per partition is over a poll's
    // worth; the defaults (1 MB per partition, 50 MB per fetch) would let the retry consumer's
    // many partitions alone buffer tens of MB of heap
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * 1024 * 1024);
    return new KafkaConsumer<>(props, Serdes.String().deserializer(), topics.send().valueSerde().deserializer());
  }

  static Properties producerProperties(KafkaSettings kafka, WorkerSettings settings) {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.workerId() + "-outcomes");
    // statuses, retries and dead letters must not be lost or duplicated by producer retries
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // one status per message: batch them into fewer, larger produce requests (each is a round trip
    // the broker pays for); a delivery's offset waits for its outcome's acknowledgement either way,
    // so lingering delays only the commit, never a send
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    // the outcomes buffered at once are a few MB at most (the lanes' capacity); the 32 MB default
    // would only let the buffer pool keep more heap
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16 * 1024 * 1024);
    return props;
  }

  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("worker " + settings.workerId() + " is already running");
    }
    try {
      lastLoopNanos = System.nanoTime();
      loopStarted = true;
      send.subscribe();
      retries.subscribe();
      long lastCommit = System.nanoTime();
      while (running && fatal.get() == null) {
        lastLoopNanos = System.nanoTime();
        boolean hold = holdFetching();
        send.hold(hold);
        retries.hold(hold);
        // fresh mail may block for the poll time-out when idle; the retry topics never block the
        // loop (their fetches go on in the background), so they cost fresh mail no throughput.
        // While fetching is held, polls are short so the loop notices soon that the lanes drained.
        send.pollOnce(hold ? HELD_POLL_TIMEOUT : settings.pollTimeout());
        retries.pollOnce(Duration.ZERO);
        if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos()) {
          send.commit();
          retries.commit();
          lastCommit = System.nanoTime();
        }
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
      try {
        shutdown();
      } finally {
        loopEnded = true;
        stopped.countDown();
      }
    }
    if (fatal.get() != null) {
      LOG.error("worker {} stopped: an outcome could not be written ({}); its notification will be redelivered",
          settings.workerId(), fatal.get().toString());
    }
  }

  /**
   * Whether to stop fetching for now: a lane is at its in-memory {@link AccountLane#capacity()}
   * (the account's rate is too high for {@code backlog} seconds of it to be held in memory, and its
   * connections are behind). Fetching resumes once every lane is down to half its capacity, so the
   * consumers are paused and resumed in bursts, not per poll. Mail already fetched is never
   * dropped or deferred for this; the partitions simply wait, and the loop keeps polling (so the
   * worker stays in its group).
   */
  private boolean holdFetching() {
    if (!holding) {
      holding = lanes.values().stream().anyMatch(l -> l.backlog() >= l.capacity());
    } else {
      holding = lanes.values().stream().anyMatch(l -> l.backlog() > l.capacity() / 2);
    }
    return holding;
  }

  /** Hands over queued mail, lets sends in flight finish (bounded), commits what finished, closes. */
  private void shutdown() {
    long began = System.nanoTime();
    int handedOver = 0;
    if (fatal.get() == null) {
      handedOver = new Dispatcher().handOver(d -> true);
    } else {
      lanes.values().forEach(lane -> lane.withdraw(d -> true)
          .forEach(d -> tracker.handedBack(d.partition(), d.offset())));
    }
    long deadline = began + settings.drainTimeout().toNanos();
    while (lanes.values().stream().anyMatch(l -> l.backlog() > 0) && System.nanoTime() < deadline) {
      parkBriefly();
    }
    int unfinished = queued();
    producer.flush();
    boolean committed = false;
    if (fatal.get() == null) {
      committed = send.commitFinal() & retries.commitFinal();
    }
    lanes.values().forEach(lane -> lane.stop(Duration.ofMillis(500)));
    producer.close(Duration.ofSeconds(5));
    send.close();
    retries.close();
    metrics.close();
    long tookMs = (System.nanoTime() - began) / 1_000_000;
    if (unfinished == 0 && committed) {
      LOG.info("worker {} drained in {} ms: sends in flight finished, {} queued handed over through the wait topic, "
          + "offsets committed", settings.workerId(), tookMs, handedOver);
    } else {
      LOG.warn("worker {} stopped after {} ms: {} sends unfinished after the drain bound {}, final commit {}; "
          + "uncommitted notifications will be redelivered", settings.workerId(), tookMs, unfinished,
          settings.drainTimeout(), committed ? "done" : "not done");
    }
  }

  private static void parkBriefly() {
    try {
      TimeUnit.MILLISECONDS.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void onSendAssignment(int owned) {
    // called after every rebalance of the send consumer, even one that assigns nothing (a standby worker)
    assigned = true;
    int total = send.partitionCount(topics.send().name());
    throttles.onAssignment(owned, total);
    LOG.info("worker {} owns {} of {} send partitions: throttle share {}", settings.workerId(), owned, total,
        owned / (double) Math.max(1, total));
  }

  /** Deliveries held in memory now, queued or being sent, across all accounts. */
  int queued() {
    return lanes.values().stream().mapToInt(AccountLane::backlog).sum();
  }

  /** Partitions of the send topic this worker owns now. */
  public int ownedSendPartitions() {
    return send.owned();
  }

  /** How often this worker gave up partitions of the send topic (revoked or lost). */
  public int sendRevocations() {
    return send.revocations();
  }

  /** What a health check needs, read at once from fields the worker keeps. */
  public WorkerStatus status() {
    Map<String, String> breakers = new LinkedHashMap<>();
    for (AccountSettings account : settings.accounts()) {
      if (account.isEnabled()) {
        breakers.put(account.id(), WorkerMetrics.stateTag(lanes.get(account.id()).guard().state()));
      }
    }
    boolean begun = loopStarted;
    Duration since = begun ? Duration.ofNanos(System.nanoTime() - lastLoopNanos) : Duration.ZERO;
    return new WorkerStatus(begun, assigned, !running, loopEnded, since, stallBound, breakers);
  }

  /** The name of the send topic this worker reads (for messages that say what it waits for). */
  public String sendTopic() {
    return topics.send().name();
  }

  private void fail(Exception e) {
    fatal.compareAndSet(null, e);
  }

  /** Stops the worker: no new mail is taken, sends in flight finish within the drain bound. */
  @Override
  public void close() {
    running = false;
    if (started.compareAndSet(false, true)) {
      lanes.values().forEach(lane -> lane.stop(Duration.ZERO));
      producer.close(Duration.ZERO);
      send.close();
      retries.close();
      metrics.close();
      loopEnded = true;
      stopped.countDown();
      return;
    }
    if (loopEnded) {
      return;
    }
    send.wakeup();
    retries.wakeup();
    try {
      // the drain bound, plus time to commit and close the clients
      if (!stopped.await(settings.drainTimeout().toSeconds() + 15, TimeUnit.SECONDS)) {
        LOG.error("worker {} did not stop within its drain bound; uncommitted mail will be redelivered",
            settings.workerId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Where the poll thread sends each delivery: its account's lane, or the wait topic. */
  final class Dispatcher {

    void dispatch(Delivery d) {
      tracker.started(d.partition(), d.offset());
      Runnable done = () -> tracker.finished(d.partition(), d.offset());
      AccountLane lane = lanes.get(d.notification().getAccount());
      if (lane == null) {
        outcomes.unknownAccount(d, done);
        return;
      }
      double rate = rate(lane);
      int backlog = lane.backlog();
      if (backlog >= limit(lane, rate)) {
        outcomes.deferred(d, "backlog", Duration.ofMillis((long) Math.max(1000, backlog / rate * 1000)), done);
        return;
      }
      lane.submit(d);
    }

    private double rate(AccountLane lane) {
      AccountThrottle throttle = lane.throttle();
      return throttle.limits().ratePerSecond() * Math.max(throttle.share(), 1e-3);
    }

    /**
     * How many deliveries the lane may hold before further mail is deferred to the wait topic:
     * {@code backlog} seconds of the account's rate, but never more than its in-memory capacity
     * (plus one poll's records, the batch in hand when fetching is held; see
     * {@link SenderWorker#holdFetching()}). A throttled account thus defers what it cannot send
     * soon, while an account faster than its connections makes the worker fetch less instead of
     * writing its mail to the wait topic and reading it back.
     */
    private int limit(AccountLane lane, double rate) {
      double byRate = Math.ceil(rate * settings.backlog().toSeconds());
      double bound = Math.min(byRate, lane.capacity() + (double) MAX_POLL_RECORDS);
      return (int) Math.max(4L * lane.poolSizeHint(), bound);
    }

    /**
     * Hands queued deliveries of partitions this worker gives up to whoever owns the wait topic's
     * partition next: each is written there (due at once) and so finishes, letting the commit move
     * past it. Simply not committing it instead would make the next owner re-read, after it, mail
     * this worker had already deferred to the wait topic — and send that twice.
     */
    int handOver(java.util.function.Predicate<Delivery> which) {
      List<Delivery> queued = lanes.values().stream().flatMap(l -> l.withdraw(which).stream()).toList();
      queued.forEach(d -> outcomes.deferred(d, "handed-over", Duration.ZERO,
          () -> tracker.finished(d.partition(), d.offset())));
      return queued.size();
    }

    int handOver(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
      return handOver(d -> partitions.contains(d.partition()));
    }

    /** Takes back queued deliveries of partitions this worker lost: not committed, the new owner sends them. */
    int withdraw(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
      List<Delivery> withdrawn = lanes.values().stream()
          .flatMap(l -> l.withdraw(d -> partitions.contains(d.partition())).stream()).toList();
      withdrawn.forEach(d -> tracker.handedBack(d.partition(), d.offset()));
      return withdrawn.size();
    }
  }
}
