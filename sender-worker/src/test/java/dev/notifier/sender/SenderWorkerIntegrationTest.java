package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Recipient;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.sender.retry.RetryHeaders;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Sender workers against one real in-JVM Kafka broker and a real SMTP server. Every test has its
 * own topic prefix and consumer group, so the tests share the broker but nothing else.
 */
class SenderWorkerIntegrationTest extends WorkerIntegrationSupport {

  // ------------------------------------------------------------------------------------------- scenarios

  @Test
  void deliversEveryNotificationOverOneReusedConnectionAndRecordsSent() throws Exception {
    // Step 1: configure
    h.smtp = ScriptableSmtpServer.builder().start();
    Map<String, Notification> sent = new LinkedHashMap<>();
    for (int i = 1; i <= 5; i++) {
      Notification n = WorkerHarness.notification("a-" + i, "user" + i + "@example.com", "default");
      sent.put(n.getNotificationId(), n);
    }
    h.startWorker("worker-a", h.localAccount(), name -> null);

    // Step 2: produce
    h.produce(sent.values());

    // Step 3: verify
    List<ReceivedMessage> received = h.smtp.awaitMessages(5, WorkerHarness.TIMEOUT);
    assertThat(received).hasSize(5);
    for (ReceivedMessage message : received) {
      String id = h.idOf(message);
      Notification n = sent.get(id);
      assertThat(n).as("a message for a notification that was produced: %s", message).isNotNull();
      assertThat(message.mailFrom()).isEqualTo(WorkerHarness.FROM);
      assertThat(message.recipients()).containsExactly(n.getRecipient().getEmail());
      assertThat(message.subject()).contains(n.getSubject());
      assertThat(message.messageId()).contains("<" + n.getNotificationId() + "@notifier.test>");
    }
    assertThat(received).extracting(h::idOf).containsExactlyInAnyOrderElementsOf(sent.keySet());

    Map<String, DeliveryStatus> statuses = WorkerHarness.latestByKey(h.awaitRecords(h.topics.status(), 5));
    assertThat(statuses).containsOnlyKeys(sent.keySet());
    statuses.forEach((id, status) -> {
      assertThat(status.getState()).isEqualTo(DeliveryState.SENT);
      assertThat(status.getAccount()).isEqualTo("default");
      assertThat(status.getEmail()).isEqualTo(sent.get(id).getRecipient().getEmail());
      assertThat(status.getEventId()).isEqualTo(sent.get(id).getEventId());
    });

    h.awaitAllCommitted(h.groupId);
    assertThat(h.readToEnd(h.topics.deadLetters())).isEmpty();
    assertThat(h.smtp.connectionCount()).as("one SMTP connection reused for all 5 messages").isEqualTo(1);
    assertThat(h.smtp.rejectedCount()).isZero();
  }

  @Test
  void recipientRefusedWith550IsDeadLetteredAndTheOthersAreSent() throws Exception {
    // Step 1: configure
    h.smtp = ScriptableSmtpServer.builder().start();
    String refusal = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown";
    h.smtp.script().at(Stage.RCPT).matching("bob@").reply(refusal).always();
    Notification alice = WorkerHarness.notification("b-alice", "alice@example.com", "default");
    Notification bob = WorkerHarness.notification("b-bob", "bob@example.com", "default");
    Notification carol = WorkerHarness.notification("b-carol", "carol@example.com", "default");
    h.startWorker("worker-b", h.localAccount(), name -> null);

    // Step 2: produce
    Map<String, RecordMetadata> where = h.produce(List.of(alice, bob, carol));

    // Step 3: verify
    List<ConsumerRecord<String, DeadLetter>> dead = h.awaitRecords(h.topics.deadLetters(), 1);
    assertThat(dead).hasSize(1);
    ConsumerRecord<String, DeadLetter> record = dead.get(0);
    assertThat(record.key()).isEqualTo(bob.getNotificationId());
    DeadLetter letter = record.value();
    assertThat(letter.getNotification()).isEqualTo(bob);
    assertThat(letter.getFailureClass()).isEqualTo("DEAD_RECIPIENT");
    assertThat(letter.getReplyCode()).isEqualTo(550);
    assertThat(letter.getEnhancedCode()).isEqualTo("5.1.1");
    assertThat(letter.getReplyText()).isEqualTo("<bob@example.com>: Recipient address rejected: User unknown");
    assertThat(letter.getAccount()).isEqualTo("default");
    assertThat(letter.getWorkerId()).isEqualTo("worker-b");
    assertThat(letter.getAttempts()).isEqualTo(1);
    assertThat(letter.getFirstFailureAt()).isNotNull();
    RecordMetadata origin = where.get(bob.getNotificationId());
    assertThat(WorkerHarness.header(record, RetryHeaders.ORIGINAL_TOPIC)).isEqualTo(h.topics.send().name());
    assertThat(WorkerHarness.header(record, RetryHeaders.ORIGINAL_PARTITION)).isEqualTo(String.valueOf(origin.partition()));
    assertThat(WorkerHarness.header(record, RetryHeaders.ORIGINAL_OFFSET)).isEqualTo(String.valueOf(origin.offset()));

    List<ReceivedMessage> received = h.smtp.awaitMessages(2, WorkerHarness.TIMEOUT);
    assertThat(received).extracting(m -> m.recipients().get(0))
        .containsExactlyInAnyOrder("alice@example.com", "carol@example.com");

    Map<String, DeliveryStatus> statuses = WorkerHarness.latestByKey(h.awaitRecords(h.topics.status(), 3));
    assertThat(statuses.get(alice.getNotificationId()).getState()).isEqualTo(DeliveryState.SENT);
    assertThat(statuses.get(carol.getNotificationId()).getState()).isEqualTo(DeliveryState.SENT);
    DeliveryStatus bobStatus = statuses.get(bob.getNotificationId());
    assertThat(bobStatus.getState()).isEqualTo(DeliveryState.DEAD);
    assertThat(bobStatus.getReason()).isEqualTo("mailbox-unknown");
    assertThat(bobStatus.getDetail()).contains("550");

    h.awaitAllCommitted(h.groupId);
    assertThat(h.readToEnd(h.topics.deadLetters())).hasSize(1);
    assertThat(h.smtp.messages()).hasSize(2);
  }

  @Test
  void wrongPasswordIsAnAccountErrorThatWaitsAndThePasswordIsNeverWrittenAnywhere() throws Exception {
    // Step 1: configure
    String password = "wrong";
    h.smtp = ScriptableSmtpServer.builder().user("u", "right").requireAuth(true).start();
    AccountSettings account = new AccountSettings("default", h.smtp.host(), h.smtp.port(), Security.NONE,
        WorkerHarness.FROM, "u", "SMTP_PW", null, "notifier.local", null, null).withPlaintextAuth(true);
    Function<String, String> env = name -> "SMTP_PW".equals(name) ? password : null;
    Notification n = WorkerHarness.notification("c-1", "dana@example.com", "default");
    h.startWorker("worker-c", account, env);

    // Step 2: produce
    h.produce(List.of(n));

    // Step 3: verify: the account error is retried (the account is misconfigured, the mail waits)
    List<ConsumerRecord<String, DeliveryStatus>> statuses = h.awaitRecords(h.topics.status(), 1);
    DeliveryStatus status = statuses.get(0).value();
    assertThat(status.getState()).isEqualTo(DeliveryState.RETRYING);
    assertThat(status.getReason()).isEqualTo("auth-failed");
    assertThat(status.getDetail()).contains("535");
    assertThat(h.readToEnd(h.topics.deadLetters())).as("an account error is never a dead letter").isEmpty();
    assertThat(h.smtp.messages()).isEmpty();

    List<String> transcript = h.smtp.transcripts().stream().flatMap(t -> t.lines().stream()).toList();
    assertThat(transcript).as("the client did try to log in").anyMatch(line -> line.startsWith("C: AUTH"));
    List<String> forbidden = List.of(password,
        WorkerHarness.base64(password), WorkerHarness.base64(password).replace("=", ""),
        WorkerHarness.base64("\0u\0" + password), WorkerHarness.base64("\0u\0" + password).replace("=", ""));
    List<String> everythingWritten = new ArrayList<>(transcript);
    statuses.forEach(r -> everythingWritten.add(r.value().toString()));
    for (ConsumerRecord<String, Notification> r : h.readToEnd(h.topics.retry(1))) {
      everythingWritten.add(r.value().toString());
      for (Header header : r.headers()) {
        everythingWritten.add(new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    for (String text : everythingWritten) {
      for (String secret : forbidden) {
        assertThat(text).as("written text must not carry the password").doesNotContain(secret);
      }
    }
  }

  @Test
  void unknownAccountIsDeadLetteredAndTheNextNotificationIsStillDelivered() throws Exception {
    // Step 1: configure
    h.smtp = ScriptableSmtpServer.builder().start();
    Notification orphan = WorkerHarness.notification("d-orphan", "erin@example.com", "no-such-account");
    Notification next = WorkerHarness.notification("d-next", "frank@example.com", "default");
    h.startWorker("worker-d", h.localAccount(), name -> null);

    // Step 2: produce both to one partition, the orphan first
    Map<String, RecordMetadata> where = h.produceTo(0, List.of(orphan, next));
    assertThat(where.get(next.getNotificationId()).offset())
        .isGreaterThan(where.get(orphan.getNotificationId()).offset());

    // Step 3: verify
    List<ReceivedMessage> received = h.smtp.awaitMessages(1, WorkerHarness.TIMEOUT);
    assertThat(received).hasSize(1);
    assertThat(received.get(0).recipients()).containsExactly("frank@example.com");
    assertThat(h.idOf(received.get(0))).isEqualTo(next.getNotificationId());

    List<ConsumerRecord<String, DeadLetter>> dead = h.awaitRecords(h.topics.deadLetters(), 1);
    assertThat(dead).hasSize(1);
    DeadLetter letter = dead.get(0).value();
    assertThat(letter.getNotification()).isEqualTo(orphan);
    assertThat(letter.getFailureClass()).isEqualTo("UNKNOWN_ACCOUNT");
    assertThat(letter.getReplyCode()).isNull();
    assertThat(letter.getAccount()).isEqualTo("no-such-account");
    assertThat(letter.getFix()).contains("no-such-account");

    Map<String, DeliveryStatus> statuses = WorkerHarness.latestByKey(h.awaitRecords(h.topics.status(), 2));
    assertThat(statuses.get(orphan.getNotificationId()).getState()).isEqualTo(DeliveryState.DEAD);
    assertThat(statuses.get(orphan.getNotificationId()).getReason()).isEqualTo("unknown-account");
    assertThat(statuses.get(next.getNotificationId()).getState()).isEqualTo(DeliveryState.SENT);
    h.awaitAllCommitted(h.groupId);
  }

  @Test
  void aNotificationPastItsExpiryIsNeverSentAndIsExpiredInTheLedgerNotDeadLettered() throws Exception {
    // Step 1: configure
    h.smtp = ScriptableSmtpServer.builder().start();
    Notification stale = WorkerHarness.notification("x-stale", "gina@example.com", "default");
    stale.setExpiresAt(Instant.now().minusSeconds(60)); // e.g. a password-reset mail that waited out an outage
    Notification fresh = WorkerHarness.notification("x-fresh", "hugo@example.com", "default");
    fresh.setExpiresAt(Instant.now().plusSeconds(3600));
    h.startWorker("worker-x", h.localAccount(), name -> null);

    // Step 2: produce both to one partition, the stale one first
    h.produceTo(0, List.of(stale, fresh));

    // Step 3: verify at the server, in the ledger and the dead-letter topic
    List<ReceivedMessage> received = h.smtp.awaitMessages(1, WorkerHarness.TIMEOUT);
    assertThat(received).singleElement().satisfies(m -> assertThat(h.idOf(m)).isEqualTo(fresh.getNotificationId()));
    Map<String, DeliveryStatus> statuses = WorkerHarness.latestByKey(h.awaitRecords(h.topics.status(), 2));
    assertThat(statuses.get(stale.getNotificationId()).getState()).isEqualTo(DeliveryState.EXPIRED);
    assertThat(statuses.get(fresh.getNotificationId()).getState()).isEqualTo(DeliveryState.SENT);
    h.awaitAllCommitted(h.groupId);
    assertThat(h.smtp.messages()).as("the expired one never reached the server").hasSize(1);
    assertThat(h.readToEnd(h.topics.deadLetters())).as("nothing to fix: not a dead letter").isEmpty();
  }

  @Test
  void committedOffsetsMeanASecondWorkerInTheGroupRedeliversNothing() throws Exception {
    // Step 1: configure a first worker and let it work through N notifications
    h.smtp = ScriptableSmtpServer.builder().start();
    int n = 6;
    List<Notification> batch = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      batch.add(WorkerHarness.notification("e-" + i, "user" + i + "@example.com", "default"));
    }
    WorkerHarness.Running first = h.startWorker("worker-e1", h.localAccount(), name -> null);
    h.produce(batch);
    assertThat(h.smtp.awaitMessages(n, WorkerHarness.TIMEOUT)).hasSize(n);
    Map<TopicPartition, Long> ends = h.awaitAllCommitted(h.groupId);
    assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(n);

    // Step 2: close it; what it committed stays committed
    first.stop();
    assertThat(h.committedOffsets(h.groupId)).isEqualTo(ends);

    // Step 3: a second worker in the same group gets only what is new
    h.startWorker("worker-e2", h.localAccount(), name -> null);
    Notification sentinel = WorkerHarness.notification("e-new", "newcomer@example.com", "default");
    h.produce(List.of(sentinel));

    List<ReceivedMessage> received = h.smtp.awaitMessages(n + 1, WorkerHarness.TIMEOUT);
    assertThat(received).hasSize(n + 1);
    assertThat(h.idOf(received.get(n))).isEqualTo(sentinel.getNotificationId());
    h.awaitAllCommitted(h.groupId);
    assertThat(h.smtp.messages()).as("no notification was sent twice").hasSize(n + 1)
        .extracting(h::idOf).doesNotHaveDuplicates();
    List<ConsumerRecord<String, DeliveryStatus>> statuses = h.readToEnd(h.topics.status());
    assertThat(statuses).hasSize(n + 1)
        .allSatisfy(r -> assertThat(r.value().getState()).isEqualTo(DeliveryState.SENT));
    assertThat(statuses).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
  }

  /**
   * The streams app writes the send topic in transactions, so each partition ends with a commit marker that no
   * read-committed consumer sees. A group that committed its last record's offset + 1 stopped before it: Kafka's
   * tools and KEDA showed a lag of 1 per partition forever, and after an aborted transaction more. The worker
   * commits the consumer's next offset instead, once a partition's records are all finished.
   */
  @Test
  void aCaughtUpGroupCommitsPastTransactionMarkersAndAbortedRecordsSoItsLagIsZero() throws Exception {
    // Step 1: six notifications in a committed transaction, then three in an aborted one, over the three partitions
    h.smtp = ScriptableSmtpServer.builder().start();
    List<Notification> committed = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      committed.add(WorkerHarness.notification("t-" + i, "user" + i + "@example.com", "default"));
    }
    List<Notification> aborted = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      aborted.add(WorkerHarness.notification("aborted-" + i, "never" + i + "@example.com", "default"));
    }
    h.produceInTransaction(committed, true);
    h.produceInTransaction(aborted, false);

    // Step 2: one worker delivers the six and its commits reach the end of every partition: no lag left
    WorkerHarness.Running first = h.startWorker("worker-t1", h.localAccount(), name -> null);
    assertThat(h.smtp.awaitMessages(committed.size(), WorkerHarness.TIMEOUT)).hasSize(committed.size());
    Map<TopicPartition, Long> ends = h.awaitAllCommitted(h.groupId);
    assertThat(ends.values().stream().mapToLong(Long::longValue).sum())
        .as("the ends count the markers and the aborted records: 6 + 2 markers a partition + 3").isEqualTo(15);
    assertThat(h.smtp.messages()).extracting(h::idOf).as("the aborted transaction's mail is never sent")
        .containsExactlyInAnyOrderElementsOf(committed.stream().map(Notification::getNotificationId).toList());

    // Step 3: stopped and replaced, the group loses nothing and sends nothing twice
    first.stop();
    List<Notification> later = new ArrayList<>();
    for (int i = 7; i <= 9; i++) {
      later.add(WorkerHarness.notification("t-" + i, "user" + i + "@example.com", "default"));
    }
    h.produceInTransaction(later, true);
    h.startWorker("worker-t2", h.localAccount(), name -> null);
    assertThat(h.smtp.awaitMessages(9, WorkerHarness.TIMEOUT)).hasSize(9);
    h.awaitAllCommitted(h.groupId);
    assertThat(h.smtp.messages()).as("each committed notification once").hasSize(9).extracting(h::idOf)
        .doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(aborted.stream().map(Notification::getNotificationId).toList());
  }

  @Test
  void anAccountFasterThanItsConnectionHoldsAtMostItsCapacityInMemoryAndDefersNothing() throws Exception {
    // Step 1: configure an unthrottled account with one connection, and more mail than its lane may hold
    h.smtp = ScriptableSmtpServer.builder().start();
    int n = AccountLane.MIN_CAPACITY + 5 * SenderWorker.MAX_POLL_RECORDS;
    List<Notification> backlog = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      backlog.add(WorkerHarness.notification("f-" + i, "user" + i + "@example.com", "default"));
    }
    AccountSettings fast = h.localAccount().withLimits(new Limits(1_000_000, 1_000_000, null, null));

    // Step 2: produce all of it before the worker starts, so its consumer can fetch far ahead of the connection
    h.produceSpread(backlog);
    WorkerHarness.Running worker = h.startWorker("worker-f", fast, name -> null);

    // Step 3: verify that the worker never held more than the lane's capacity (plus the poll in hand),
    // that everything was sent once, and that nothing went through the wait tiers
    int mostQueued = 0;
    long deadline = System.nanoTime() + WorkerHarness.TIMEOUT.toNanos();
    while (h.smtp.messages().size() < n && System.nanoTime() < deadline) {
      mostQueued = Math.max(mostQueued, worker.worker().queued());
    }
    assertThat(mostQueued).as("deliveries held in memory at once")
        .isLessThanOrEqualTo(AccountLane.MIN_CAPACITY + SenderWorker.MAX_POLL_RECORDS);
    assertThat(h.smtp.awaitMessages(n, WorkerHarness.TIMEOUT)).hasSize(n).extracting(h::idOf).doesNotHaveDuplicates();
    h.awaitAllCommitted(h.groupId);
    assertThat(h.topics.waitTiers()).as("mail deferred to a wait tier").allSatisfy(t -> assertThat(h.readToEnd(t)).isEmpty());
    assertThat(WorkerHarness.latestByKey(h.readToEnd(h.topics.status())).values())
        .hasSize(n).allSatisfy(status -> assertThat(status.getState()).isEqualTo(DeliveryState.SENT));
  }
}
