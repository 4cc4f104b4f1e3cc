package dev.notifier.sender.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.ReplyClassifier;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which failures may go to a backup: only those after which the primary certainly holds nothing. */
class FailoverChainsTest {

  private static final ReplyClassifier TABLE = ReplyClassifier.defaults();

  @Test
  void theChainIsThePrimaryThenItsBackupsInOrderAndEndsThere() {
    FailoverChains chains = FailoverChains.of(List.of(
        AccountSettings.local("a", "127.0.0.1", 1, "a@x.test").withFailover(List.of("b", "c")),
        AccountSettings.local("b", "127.0.0.1", 2, "b@x.test").withFailover(List.of("a")),
        AccountSettings.local("c", "127.0.0.1", 3, "c@x.test")));

    assertThat(chains.next("a", "a")).contains("b");
    assertThat(chains.next("a", "b")).contains("c");
    assertThat(chains.next("a", "c")).isEmpty();
    assertThat(chains.next("b", "b")).as("b's own chain, for mail routed to b").contains("a");
    assertThat(chains.next("b", "a")).as("not followed through a's chain: no cycle").isEmpty();
    assertThat(chains.next("c", "c")).isEmpty();
  }

  @Test
  void failuresBeforeTheDataAboutTheAccountOrTheConnectionFailOver() {
    assertThat(notTaken("connect", null, new ConnectException("Connection refused"))).isTrue();
    assertThat(notTaken("auth", "535 5.7.8 Authentication credentials invalid", null)).isTrue();
    assertThat(notTaken("mail", "553 Mail from must equal authorized user", null)).isTrue();
    assertThat(notTaken("mail", "550 Connection frequency limited", null)).isTrue();
    assertThat(notTaken("rcpt", "451 4.7.1 too many messages, slow down", null)).isTrue();
    assertThat(notTaken("rcpt", "550 5.4.5 Daily user sending limit exceeded", null)).isTrue();
    assertThat(notTaken("data", null, new java.io.EOFException())).as("lost before the end of data went out").isTrue();
  }

  @Test
  void mailWhoseEarlierAttemptHadAnUnknownOutcomeIsNeverHandedOn() {
    FailoverChains chains = FailoverChains.of(List.of(
        AccountSettings.local("a", "127.0.0.1", 1, "a@x.test").withFailover(List.of("b")),
        AccountSettings.local("b", "127.0.0.1", 2, "b@x.test")));
    List<String> handedTo = new java.util.ArrayList<>();
    Failover failover = new Failover(chains, null, (account, d) -> handedTo.add(account));
    dev.notifier.avro.Notification n = dev.notifier.avro.Notification.newBuilder()
        .setPriority(dev.notifier.avro.Priority.NORMAL).setNotificationId("n1").setEventId("e1").setEventType("t")
        .setTemplate("t").setAccount("a").setRecipient(dev.notifier.avro.Recipient.newBuilder().setEmail("x@y.test")
            .build()).setSubject("s").setTextBody("b").setCreatedAt(java.time.Instant.EPOCH).build();
    org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> fresh =
        new org.apache.kafka.clients.consumer.ConsumerRecord<>("notifier.send", 0, 0, "n1", new byte[0]);
    org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> afterUnknown =
        new org.apache.kafka.clients.consumer.ConsumerRecord<>("notifier.send.retry.1", 0, 0, "n1", new byte[0]);
    afterUnknown.headers().add(dev.notifier.sender.retry.RetryHeaders.UNKNOWN_OUTCOME_ACCOUNT,
        "a".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(failover.handOver(new Delivery(fresh, n, 0, null, 0), "a", "connection-refused")).isTrue();
    assertThat(failover.handOver(new Delivery(afterUnknown, n, 1, null, 0), "a", "connection-refused")).isFalse();
    assertThat(handedTo).containsExactly("b");
  }

  @Test
  void recipientAndContentRefusalsAndUnknownOutcomesNeverFailOver() {
    assertThat(notTaken("rcpt", "550 5.1.1 <bob@example.com>: User unknown", null)).isFalse();
    assertThat(notTaken("rcpt", "452 4.2.2 Mailbox full", null)).isFalse();
    assertThat(notTaken("data", "554 5.7.1 Message refused as spam", null)).isFalse();
    assertThat(notTaken("data", "451 4.3.0 Temporary failure", null)).isFalse();
    assertThat(notTaken("end-of-data", null, new SocketTimeoutException("Read timed out"))).isFalse();
    assertThat(notTaken("worker", null, new NullPointerException())).isFalse();
  }

  private static boolean notTaken(String step, String reply, Exception cause) {
    DeliveryException e = new DeliveryException(step, SmtpReply.parse(reply), "failed", cause);
    Classification c = TABLE.classify(e);
    return FailoverChains.certainlyNotTaken(e, c);
  }
}
