package dev.notifier.sender;

import dev.notifier.avro.QuotaUsage;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.sender.throttle.Lease;
import dev.notifier.sender.retry.RetryPlacement;
import dev.notifier.sender.throttle.QuotaLedger;
import dev.notifier.sender.throttle.QuotaReservations;
import dev.notifier.sender.throttle.UsageReader;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.failover.Failover;
import dev.notifier.sender.failover.FailoverChains;
import dev.notifier.sender.failover.FailoverState;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.sender.deadletter.DeadLetterWriter;
import dev.notifier.sender.feedback.BounceFeedback;
import dev.notifier.sender.guard.AccountGuard;
import dev.notifier.sender.metrics.WorkerMetrics;
import dev.notifier.sender.outcome.AcknowledgedWrites;
import dev.notifier.sender.outcome.OutcomeSerializer;
import dev.notifier.sender.outcome.Statuses;
import dev.notifier.sender.retry.ReplyClassifier;
import dev.notifier.sender.retry.RetryWriter;
import dev.notifier.sender.throttle.AccountThrottle;
import dev.notifier.sender.throttle.Throttles;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sender worker. Any number run in one consumer group; each delivers the notifications of the
 * partitions it owns.
 *
 * <p>One thread polls: a consumer of {@code notifier.send} (group {@code groupId}) and a consumer of
 * the retry and wait tiers, which takes by assignment the partitions that map onto the send
 * partitions this worker owns ({@link RetryPartitions}; a partition is paused until its head is
 * due), and, when an account has a quota, a reader of the usage topic ({@link UsageReader}). It never
 * blocks: deliveries go to per-account {@link AccountLane}s, and an account whose backlog is full
 * has further mail deferred to a wait tier, so the loop stays far inside
 * {@code max.poll.interval.ms} and one account never holds up another. What a worker holds in
 * memory is bounded too: an account whose rate is too high for its backlog to fit in its lane's
 * capacity makes the worker pause fetching while that lane is full, instead of deferring mail its
 * connections will reach within a second (see {@link #holdFetching()}). Offsets are committed only
 * up to the lowest record not yet finished (sent, re-queued or dead-lettered, and that outcome
 * acknowledged), so a crash can only resend what was in flight.
 *
 * <p>The account limits hold across all workers: each worker's throttles run at the share of the
 * send topic's partitions it owns, recomputed on every rebalance (cooperative-sticky, so a
 * partition is never owned by two workers at once and the shares never sum above one; how soon a
 * dead worker's partitions move is {@link GroupMembership}'s choice), count quotas
 * in the usage topic by partition, and let sends start only while the poll loop's {@link Lease} holds.
 * Records are decoded by the worker ({@link NotificationDecoder}), whatever release wrote them; the
 * schemas it writes are published to the schema topic before it starts. Before it makes any client,
 * it checks that every topic it reads or writes exists with the configs it needs, and stops naming
 * each one that does not ({@link dev.notifier.schemas.admin.TopicCheck}): no topic of a worker is
 * ever created by its producer with the broker's defaults.
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
  /** The poll time-out while fetching is held (see {@link #holdFetching()}) or the usage topic is being read. */
  static final Duration HELD_POLL_TIMEOUT = Duration.ofMillis(5);
  /** The usage records one turn of the loop takes at most (a few hundred kilobytes). */
  static final int USAGE_POLL_RECORDS = 10_000;

  private final Topics topics;
  private final WorkerSettings settings;
  private final Sleeper sleeper;
  private final Clock clock;
  private final QuotaLedger ledger = new QuotaLedger();
  private final Lease lease = new Lease(Instant.EPOCH);
  private final UsageReader usage;
  /** Reserves the sends of accounts with a quota before they start; null when no account has one. */
  private final QuotaReservations reservations;
  private final KafkaSchemaStore schemaStore;
  private final Duration leaseLength;
  private volatile int sendPartitions = 1;
  /** How often the loop compares the partition counts its metadata knows with those it works with. */
  static final Duration COUNT_CHECK = Duration.ofSeconds(1);
  /** Beyond a metadata refresh and a count check: a loop turn, a poll, a rebalance's callback. */
  static final Duration COUNT_MARGIN = Duration.ofSeconds(2);
  /** How long a rebalance waits for the cluster to say how many partitions the topics have. */
  private static final Duration COUNT_TIMEOUT = Duration.ofSeconds(5);
  private Map<String, Integer> retryPartitionCounts;
  private final Producer<String, Object> producer;
  private final OffsetTracker tracker = new OffsetTracker();
  private final Throttles throttles;
  private final Map<String, AccountLane> lanes = new HashMap<>();
  private final Failover failover;
  private final Dispatcher dispatcher;
  private final PartitionSource send;
  private final PartitionSource retries;
  private final WorkerMetrics metrics;
  private final Duration stallBound;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicReference<Exception> fatal = new AtomicReference<>();
  private volatile boolean running = true;
  private volatile boolean assigned;
  private Instant countCheckedAt = Instant.EPOCH;
  /** Send partitions just seen added, counted for no share until every worker must know of them. */
  private final NewPartitions newPartitions;
  private volatile boolean loopEnded;
  private volatile boolean loopStarted;
  private volatile long lastLoopNanos;
  private boolean holding;

  /** A worker wired from {@code context}: its clients, the stages of each account, and the poll loop's parts. */
  public SenderWorker(WorkerContext context) {
    KafkaSettings kafka = context.kafka();
    this.settings = context.settings();
    this.topics = context.topics();
    context.clients().requireTopics(kafka, topicsUsed(topics))
        .forEach(f -> LOG.warn("topic {}: {}", f.topic(), f.problem()));
    this.sleeper = context.sleeper();
    this.clock = context.clock();
    this.metrics = new WorkerMetrics(context.meterRegistry(),
        settings.accounts().stream().map(AccountSettings::id).toList());
    this.stallBound = maxPollInterval(kafka);
    // Kafka gives the partitions away once max.poll.interval.ms passes without a poll; stop sending well before
    this.leaseLength = stallBound.dividedBy(2);
    this.producer = context.clients().producer(producerProperties(kafka, settings), new OutcomeSerializer(topics));
    AcknowledgedWrites writes = new AcknowledgedWrites(producer, this::fail);
    Map<String, AccountSettings> accounts = settings.accountsById();
    Statuses statuses = new Statuses(topics, writes, clock, metrics, settings.workerId(),
        id -> accounts.containsKey(id) && accounts.get(id).limits().hasQuota());
    BounceFeedback bounces = new BounceFeedback(topics);
    DeadLetterWriter deadLetters = new DeadLetterWriter(topics, writes, statuses, clock, settings.workerId(), metrics,
        bounces);
    RetryWriter retryWriter = new RetryWriter(topics, writes, statuses, settings.backoff(), clock,
        () -> ThreadLocalRandom.current().nextDouble(), deadLetters, metrics, bounces,
        new RetryPlacement(topic -> producer.partitionsFor(topic).size()), context.integrity());
    this.throttles = new Throttles(settings.accounts().stream()
        .collect(Collectors.toMap(AccountSettings::id, AccountSettings::limits)), ledger, lease, clock);
    // an account with a quota adds a consumer of the usage topic and a producer of reservations, whose metrics the
    // worker exports beside the others'
    List<Consumer<?, ?>> quotaConsumers = new ArrayList<>();
    List<Producer<?, ?>> quotaProducers = new ArrayList<>();
    if (throttles.anyQuota()) {
      Consumer<String, QuotaUsage> usageConsumer = usageConsumer(context);
      Producer<String, Object> reservationProducer = context.clients().producer(
          reservationProducerProperties(kafka, settings), new OutcomeSerializer(topics));
      quotaConsumers.add(usageConsumer);
      quotaProducers.add(reservationProducer);
      this.usage = new UsageReader(usageConsumer, topics.usage().name(), ledger, accounts.keySet(), clock);
      this.reservations = new QuotaReservations(reservationProducer, topics.usage().name(), settings.workerId(),
          ledger, clock);
    } else {
      this.usage = null;
      this.reservations = null;
    }
    ledger.caughtUp(usage == null);
    this.schemaStore = KafkaSchemaStore.of(kafka);
    // reads the send topic's wire format too when the topics' send serde does (streams.schemaRegistry configured)
    NotificationDecoder decoder = NotificationDecoder.of(schemaStore, topics, clock);
    FailoverChains chains = FailoverChains.of(settings.accounts());
    this.failover = new Failover(chains, new FailoverState(chains, context.meterRegistry()), (accountId, d) -> {
      AccountLane lane = lanes.get(accountId);
      if (lane == null) {
        return false;
      }
      lane.submit(d);
      return true;
    });
    settings.accounts().forEach(account -> addLane(account, context, statuses, retryWriter));
    this.dispatcher = new Dispatcher(lanes, tracker, retryWriter, deadLetters, statuses, clock, settings.backlog());
    this.newPartitions = new NewPartitions(newPartitionHold(kafka.clientProperties()));
    this.send = new PartitionSource("send", consumer(context, settings.groupId(), "send"), decoder,
        List.of(topics.send().name()), TopicPartition::partition, tracker, dispatcher, clock, sleeper,
        settings.drainTimeout(), this::onSendAssignment, context.integrity());
    this.retries = new PartitionSource("retry", consumer(context, retryGroup(settings.groupId()), "retry"), decoder,
        topics.retryTopics().stream().map(Topic::name).collect(Collectors.toList()),
        p -> p.partition() % Math.max(1, sendPartitions), tracker, dispatcher, clock, sleeper, settings.drainTimeout(),
        (owned, lost) -> { }, context.integrity());
    List<Consumer<?, ?>> consumers = new ArrayList<>(List.of(send.consumer(), retries.consumer()));
    consumers.addAll(quotaConsumers);
    List<Producer<?, ?>> producers = new ArrayList<>(List.of(producer));
    producers.addAll(quotaProducers);
    metrics.bindClients(consumers, producers);
    // key ids and mode only: a Keyring never prints a secret
    LOG.info("worker {}: integrity {}", settings.workerId(), context.integrity());
  }

  /** The lane of {@code account}: its breaker and throttle, then the SMTP send, then the outcome writers. */
  private void addLane(AccountSettings account, WorkerContext context, Statuses statuses, RetryWriter retryWriter) {
    AccountGuard guard = new AccountGuard(account.id(), settings.breaker(), context.clock());
    AccountThrottle throttle = throttles.forAccount(account.id());
    AccountLane lane = new AccountLane(account, guard, throttle, ReplyClassifier.defaults(), statuses,
        retryWriter, d -> tracker.finished(d.partition(), d.offset()), sleeper, context.clock(), context.env(),
        settings.workerId(),
        metrics.account(account.id()), failover, context.unsubscribe(), reservations);
    lanes.put(account.id(), lane);
    metrics.bindAccount(account.id(), guard, throttle);
    metrics.bindInFlight(account.id(), lane::inFlight);
  }

  /** The consumers' {@code max.poll.interval.ms}: the kafka section's, else Kafka's default (5 minutes). */
  private static Duration maxPollInterval(KafkaSettings kafka) {
    Object configured = kafka.clientProperties().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
    long ms = configured == null ? 300_000 : Long.parseLong(configured.toString().trim());
    return Duration.ofMillis(ms);
  }

  private Consumer<String, QuotaUsage> usageConsumer(WorkerContext context) {
    Properties props = context.kafka().clientProperties();
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.workerId() + "-usage");
    // every worker reads the whole usage topic by assignment and never commits: it is a shared count
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // topics are created by `notifier topics create`, with the configs they need, never by a client
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // a start reads the last day, and each turn of the loop takes one poll: 500 records a turn (Kafka's default)
    // made the turns, not the fetching, what a day of usage costs the account's first mail
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, USAGE_POLL_RECORDS);
    return context.clients().consumer(props, topics.usage().valueSerde().deserializer());
  }

  /** The topics a worker reads or writes, which must be ready before it starts. */
  static List<Topic<?, ?>> topicsUsed(Topics topics) {
    List<Topic<?, ?>> used = new ArrayList<>(List.of(topics.send()));
    used.addAll(topics.retryTopics());
    used.addAll(List.of(topics.deadLetters(), topics.status(), topics.usage(), topics.schemas(),
        topics.feedback()));
    return used;
  }

  /** The consumer group of the retry topics for workers of group {@code groupId}. */
  public static String retryGroup(String groupId) {
    return groupId + "-retry";
  }

  private Consumer<String, byte[]> consumer(WorkerContext context, String groupId, String role) {
    Properties props = context.kafka().clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.workerId() + "-" + role);
    // only notifications the streams app committed; never one from an aborted transaction
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // offsets are committed by hand, up to the lowest notification not yet finished
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // topics are created by `notifier topics create`, with the configs they need, never by a client
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // a new group starts from the oldest unsent notification, not from the end
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // partitions added to the send topic are taken, and the shares and quota parts follow, within half a minute
    props.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG,
        String.valueOf(KafkaSettings.METADATA_MAX_AGE.toMillis()));
    // how soon a dead worker's partitions move, and how calmly workers come and go
    GroupMembership.configure(props);
    // bounded batches: the loop hands records to lanes without blocking
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    // bounded fetch buffers: a notification is a few KB, so 256 KB per partition is over a poll's
    // worth; the defaults (1 MB per partition, 50 MB per fetch) would let the retry consumer's
    // many partitions alone buffer tens of MB of heap
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * 1024 * 1024);
    // values are decoded by the worker itself, so that a record it cannot read becomes a dead letter
    return context.clients().consumer(props, Serdes.ByteArray().deserializer());
  }

  static Properties producerProperties(KafkaSettings kafka, WorkerSettings settings) {
    Properties props = durableProducer(kafka, settings.workerId() + "-outcomes");
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

  /**
   * The producer of quota reservations: each send of an account with a quota waits for its reservation's
   * acknowledgement, so it lingers for nothing; a reservation is a hundred bytes, and a few hundred are in flight
   * at most (one per connection and pipelined message).
   */
  static Properties reservationProducerProperties(KafkaSettings kafka, WorkerSettings settings) {
    Properties props = durableProducer(kafka, settings.workerId() + "-reservations");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 1024 * 1024);
    return props;
  }

  /** What the worker writes (outcomes, reservations) must not be lost or duplicated by producer retries. */
  private static Properties durableProducer(KafkaSettings kafka, String clientId) {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
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
      // readers of what this worker writes (retries, dead letters, usage) may be of another release
      KafkaSchemaStore.publish(producer, topics.schemas().name(), KafkaSchemaStore.written(), Duration.ofSeconds(30));
      if (usage != null) {
        usage.start();
      }
      send.subscribe();
      loop();
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
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
   * Polls, dispatches and commits until the worker is closed, an outcome cannot be written, or Kafka
   * says something no retry fixes. Kafka's errors are sorted as Kafka's own consumer examples sort
   * them, one catch each: fatal ones stop the worker, a fetch position that is not valid is reset,
   * and anything else from a poll or a commit is logged and the loop goes on — what was not
   * committed is committed on a later try, or redelivered.
   */
  private void loop() {
    long lastCommit = System.nanoTime();
    while (running && fatal.get() == null) {
      lastLoopNanos = System.nanoTime();
      try {
        pollOnce();
        if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos()) {
          lastCommit = System.nanoTime();
          send.commit();
          retries.commit();
        }
      } catch (WakeupException | InterruptException e) {
        // close() woke the consumers up, or the thread was interrupted: the loop ends
        throw e;
      } catch (AuthorizationException | AuthenticationException | FencedInstanceIdException
          | UnsupportedVersionException | InvalidGroupIdException e) {
        // fatal: no retry grants an ACL, fixes credentials or the group, or upgrades the broker
        LOG.error("worker {} stops: fatal Kafka error: {}", settings.workerId(), e.toString());
        return;
      } catch (InvalidSessionTimeoutException e) {
        // fatal: the broker allows no session this short (or long), however often the worker asks
        LOG.error("worker {} stops: the broker refuses the consumer group session time-out ({}); set "
            + "session.timeout.ms under kafka.properties within the broker's group.min.session.timeout.ms and "
            + "group.max.session.timeout.ms (the worker asks for {} ms unless told otherwise)", settings.workerId(),
            e.getMessage(), GroupMembership.SESSION_TIMEOUT.toMillis());
        return;
      } catch (InvalidOffsetException e) {
        // reset: the fetch position is out of range, or there is none (no offset committed, no reset policy)
        send.resetPositions(e);
        retries.resetPositions(e);
      } catch (KafkaException e) {
        // recoverable (retriable or not): a later poll or commit may well succeed
        LOG.warn("worker {}: Kafka error ({}); the loop goes on, and what is not committed yet is committed later "
            + "or redelivered", settings.workerId(), e.toString());
      }
    }
  }

  private void pollOnce() {
    lease.renew(clock.instant().plus(leaseLength));
    if (newPartitions.holding()) {
      Set<Integer> owned = numbers(send.ownedPartitions());
      if (newPartitions.releasedAny(owned, clock.instant())) {
        shareOut(owned); // before the poll: their mail is fetched only once they count for the share
      }
    }
    if (usage != null) {
      usage.poll();
    }
    boolean hold = holdFetching();
    send.hold(hold);
    retries.hold(hold);
    // fresh mail may block for the poll time-out when idle; the retry topics never block the
    // loop (their fetches go on in the background), so they cost fresh mail no throughput.
    // While fetching is held, polls are short so the loop notices soon that the lanes drained; and while the usage
    // topic is still being read (after a start or an assignment, quota mail waits for it) so that each turn of the
    // loop reads more of it, instead of a poll's worth of usage every poll time-out on a quiet send topic.
    boolean catchingUp = usage != null && usage.catchingUp();
    send.pollOnce(hold || catchingUp ? HELD_POLL_TIMEOUT : settings.pollTimeout());
    retries.pollOnce(Duration.ZERO);
    followPartitionCount();
  }

  /**
   * The send topic or its tiers given more partitions: the throttle shares and quota parts are of the send topic's
   * partition count, and the tiers' partitions are owned by the owners of the send partitions they map onto. A worker
   * whose own partitions did not move may be told of no new assignment (cooperative rebalancing, and KIP-848's
   * protocol, which calls no listener for an unchanged assignment), so every {@link #COUNT_CHECK} the loop compares
   * the counts its metadata knows ({@link KafkaSettings#METADATA_MAX_AGE} old at most, unless configured) with those
   * it works with, and takes new ones at once. A standby notes the count, so that partitions added later are new to it
   * ({@link NewPartitions}).
   */
  private void followPartitionCount() {
    Instant now = clock.instant();
    boolean checkedLately = now.isBefore(countCheckedAt.plus(COUNT_CHECK)) && !now.isBefore(countCheckedAt);
    if (!assigned || checkedLately) {
      return;
    }
    countCheckedAt = now;
    int count = send.partitionCount(topics.send().name());
    if (send.owned() == 0) {
      // a standby has no share to get wrong, and its next assignment asks the cluster; it only notes what is new
      newPartitions.seen(count, now);
      return;
    }
    boolean tierGrew = readRetryPartitionCounts(Map.of()).entrySet().stream()
        .anyMatch(e -> e.getValue() > retryPartitionCounts.getOrDefault(e.getKey(), 0));
    if (count > sendPartitions || tierGrew) {
      LOG.info("worker {}: partitions were added ({} has {}): the shares, quota parts and tiers follow",
          settings.workerId(), topics.send().name(), count);
      onSendAssignment(send.ownedPartitions(), false);
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
      handedOver = dispatcher.handOver(d -> true);
    } else {
      dispatcher.handBack(d -> true);
    }
    long deadline = began + settings.drainTimeout().toNanos();
    while (lanes.values().stream().anyMatch(l -> l.backlog() > 0) && System.nanoTime() < deadline) {
      if (!sleeper.pause(Sleeper.DRAIN_CHECK)) {
        break;
      }
    }
    int unfinished = queued();
    producer.flush();
    boolean committed = false;
    if (fatal.get() == null) {
      committed = send.commitFinal() & retries.commitFinal();
    }
    lanes.values().forEach(lane -> lane.stop(Duration.ofMillis(500)));
    closeReservations();
    producer.close(Duration.ofSeconds(5));
    send.close();
    retries.close();
    closeReaders();
    metrics.close();
    long tookMs = (System.nanoTime() - began) / 1_000_000;
    if (unfinished == 0 && committed) {
      LOG.info("worker {} drained in {} ms: sends in flight finished, {} queued handed over through the wait tiers, "
          + "offsets committed", settings.workerId(), tookMs, handedOver);
    } else {
      LOG.warn("worker {} stopped after {} ms: {} sends unfinished after the drain bound {}, final commit {}; "
          + "uncommitted notifications will be redelivered", settings.workerId(), tookMs, unfinished,
          settings.drainTimeout(), committed ? "done" : "not done");
    }
  }

  private void closeReservations() {
    if (reservations != null) {
      reservations.close();
    }
  }

  private void closeReaders() {
    schemaStore.close();
    if (usage != null) {
      usage.close();
    }
  }

  /**
   * After every change of the send partitions this worker owns (even to none: a standby worker): the
   * throttles take the new share; the retry and wait partitions that map onto the owned send
   * partitions become this worker's and the others are handed over ({@link RetryPartitions}) — so
   * whoever may send a partition's mail also holds its retries, and a worker with no share holds no
   * mail; the quota ledger is read to the present end of the usage topic before a quota is checked again.
   */
  private void onSendAssignment(Set<TopicPartition> owned, boolean lost) {
    assigned = true;
    // asked of the cluster: at a rebalance after partitions were added, the metadata may not know of them yet; a
    // worker left with nothing has no share to get wrong, and nothing is asked at a close (a standby's first
    // assignment goes by the metadata, for the log)
    if (!owned.isEmpty() || retryPartitionCounts == null) {
      Map<String, List<PartitionInfo>> cluster = owned.isEmpty() ? Map.of() : send.askCluster(COUNT_TIMEOUT);
      sendPartitions = send.partitionCount(topics.send().name(), cluster);
      retryPartitionCounts = readRetryPartitionCounts(cluster);
    }
    Set<Integer> ownedNumbers = numbers(owned);
    newPartitions.seen(sendPartitions, clock.instant());
    shareOut(ownedNumbers);
    retries.assignExactly(RetryPartitions.mapOnto(ownedNumbers, sendPartitions, retryPartitionCounts), lost);
    if (usage != null) {
      usage.behind();
    }
  }

  /**
   * The throttles' share: the owned send partitions but those just added ({@link NewPartitions}), of them all; the
   * ones just added are held back, their mail left in Kafka, until they count.
   */
  private void shareOut(Set<Integer> owned) {
    Map<Integer, Instant> held = newPartitions.heldOf(owned, clock.instant());
    Set<Integer> counted = owned.stream().filter(p -> !held.containsKey(p)).collect(Collectors.toSet());
    throttles.onAssignment(counted, sendPartitions);
    send.holdBack(held.keySet().stream().map(p -> new TopicPartition(topics.send().name(), p))
        .collect(Collectors.toSet()));
    LOG.info("worker {} owns {} of {} send partitions: throttle share {}{}", settings.workerId(), owned.size(),
        sendPartitions, counted.size() / (double) Math.max(1, sendPartitions), held.isEmpty() ? ""
            : " (" + held.keySet() + " just added: held back until " + held.values().stream().max(Instant::compareTo)
                .orElseThrow() + ", when every worker knows of them)");
  }

  private static Set<Integer> numbers(Set<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
  }

  /**
   * How long a worker that sees send partitions added holds them out of its shares: another worker learns of them
   * from its metadata, at most {@code metadata.max.age.ms} old, at its next count check, within a loop turn.
   */
  static Duration newPartitionHold(Properties kafkaProperties) {
    Object age = kafkaProperties.get(ConsumerConfig.METADATA_MAX_AGE_CONFIG);
    try {
      Duration metadata = age == null ? KafkaSettings.METADATA_MAX_AGE
          : Duration.ofMillis(Long.parseLong(age.toString().strip()));
      return metadata.plus(COUNT_CHECK).plus(COUNT_MARGIN);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("kafka.properties: " + ConsumerConfig.METADATA_MAX_AGE_CONFIG + " is '" + age
          + "': give the longest age of the clients' metadata in milliseconds, e.g. 30000", e);
    }
  }

  /** The partition count of each retry and wait tier, as {@code cluster} says, else as the retry consumer knows it. */
  private Map<String, Integer> readRetryPartitionCounts(Map<String, List<PartitionInfo>> cluster) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Topic<?, ?> topic : topics.retryTopics()) {
      counts.put(topic.name(), retries.partitionCount(topic.name(), cluster));
    }
    return counts;
  }

  /** Deliveries held in memory now, queued or being sent, across all accounts. */
  int queued() {
    return lanes.values().stream().mapToInt(AccountLane::backlog).sum();
  }

  /** Partitions of the send topic this worker owns now. */
  public int ownedSendPartitions() {
    return send.owned();
  }

  /** Partitions of the retry and wait tiers this worker owns now (those that map onto its send partitions). */
  public int ownedRetryPartitions() {
    return retries.owned();
  }

  /** How often this worker gave up partitions of the send topic (revoked or lost). */
  public int sendRevocations() {
    return send.revocations();
  }

  /** The send topic's partition count the throttle shares and quota parts are of. */
  int sendPartitionCount() {
    return sendPartitions;
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
    return new WorkerStatus(begun, assigned, !running, loopEnded, since, stallBound, breakers, send.owned(),
        !begun || lease.valid(clock.instant()));
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
      closeReservations();
      producer.close(Duration.ZERO);
      send.close();
      retries.close();
      closeReaders();
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
}
