package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.SendGridArgs;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.config.Transport;
import dev.notifier.sender.smtp.MessageFactory;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An account's {@code returnPath} is the SMTP envelope sender on the wire, on both SMTP clients:
 * the testkit server records each message's MAIL FROM, which is {@code bounces+<notification id>@domain}
 * while the From header stays the account's address and the id header stays in the message. Mail
 * relayed through SendGrid carries the id as a SendGrid unique argument too.
 */
class ReturnPathIntegrationTest extends WorkerIntegrationSupport {

  private static final String TEMPLATE = "bounces+{id}@bounces.notifier.test";

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Transport.class, names = {"ANGUS", "PIPELINING"})
  void eachMessageIsSentWithItsOwnVerpEnvelopeSender(Transport transport) throws Exception {
    // Step 1: configure
    h.smtp = ScriptableSmtpServer.builder().start();
    Map<String, Notification> sent = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      Notification n = WorkerHarness.notification("verp-" + transport + "-" + i, "user" + i + "@example.com",
          "default");
      sent.put(n.getNotificationId(), n);
    }
    h.startWorker("worker-verp", h.localAccount().withTransport(transport).withReturnPath(TEMPLATE), name -> null);

    // Step 2: produce
    h.produce(sent.values());

    // Step 3: verify
    List<ReceivedMessage> received = h.smtp.awaitMessages(3, WorkerHarness.TIMEOUT);
    assertThat(received).hasSize(3);
    for (ReceivedMessage message : received) {
      String id = h.idOf(message);
      assertThat(sent).containsKey(id);
      assertThat(message.mailFrom()).isEqualTo("bounces+" + id + "@bounces.notifier.test");
      assertThat(message.header("From")).hasValue(WorkerHarness.FROM);
      assertThat(message.header(MessageFactory.NOTIFICATION_ID_HEADER)).hasValue(id);
      assertThat(message.header(SendGridArgs.HEADER)).as("a relay that is not SendGrid gets no X-SMTPAPI").isEmpty();
    }
  }

  /**
   * SendGrid's events quote no header of the original: an account relaying through SendGrid (here its
   * preset, pointed at the testkit server) puts the id in {@value SendGridArgs#HEADER} as a unique
   * argument, which SendGrid copies into every event of the message; a plain relay's mail has no such header.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Transport.class, names = {"ANGUS", "PIPELINING"})
  void mailRelayedThroughSendGridCarriesItsIdAsAUniqueArgument(Transport transport) throws Exception {
    // Step 1: configure
    h.smtp = ScriptableSmtpServer.builder().start();
    Notification n = WorkerHarness.notification("sendgrid-" + transport, "user@example.com", "default");
    AccountSettings sendGrid = new AccountSettings("default", h.smtp.host(), h.smtp.port(), Security.NONE,
        WorkerHarness.FROM, null, null, null, "notifier.local", null, null, List.of(), true, true, "sendgrid", null,
        null, null, null).withTransport(transport);
    assertThat(h.localAccount().relaysThroughSendGrid()).isFalse();
    h.startWorker("worker-sendgrid", sendGrid, name -> null);

    // Step 2: produce
    h.produce(List.of(n));

    // Step 3: verify
    ReceivedMessage message = h.smtp.awaitMessages(1, WorkerHarness.TIMEOUT).get(0);
    assertThat(h.idOf(message)).isEqualTo(n.getNotificationId());
    String header = message.header(SendGridArgs.HEADER).orElseThrow(() -> new AssertionError(
        "no " + SendGridArgs.HEADER + " header in the message SendGrid would relay"));
    assertThat(new ObjectMapper().readTree(header).path("unique_args").path(SendGridArgs.NOTIFICATION_ID).asText())
        .isEqualTo(n.getNotificationId());
  }
}
