package dev.notifier.cli.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Suppression;
import dev.notifier.avro.SuppressionReason;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.feedback.webhook.WebhookReceiver;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.UnsubscribeTokens;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.schemas.config.UnsubscribeSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.sender.smtp.UnsubscribeLinks;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Resources;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One-click unsubscribe end to end, on a real broker, a real SMTP server and the real topology: the
 * worker's mail carries {@code List-Unsubscribe} and {@code List-Unsubscribe-Post}; the recipient's
 * client POSTs {@code List-Unsubscribe=One-Click} to the link (the webhook receiver, writing to
 * {@code notifier.feedback}); the learn stage suppresses the address for that mail's category (its
 * template), so the next mail of that category is SKIPPED {@code suppressed} and never reaches the
 * SMTP server, while mail of another category still goes out.
 */
@Timeout(240)
class UnsubscribeIntegrationTest {

  private static final Topics TOPICS = Topics.standard();
  private static final String HENRY = "henry@example.net";

  private static EmbeddedKafka kafka;
  private static ScriptableSmtpServer smtp;
  private static StreamsApp app;
  private static SenderWorker worker;
  private static ExecutorService pool;
  private static KafkaSettings settings;
  private static FeedbackWriter writer;
  private static WebhookReceiver receiver;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.builder().partitions(3).start();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
    smtp = ScriptableSmtpServer.builder().build().start();
    settings = KafkaSettings.of(kafka.bootstrapServers());
    app = new StreamsApp(settings, StreamsSettings.defaults().withApplicationId("unsubscribe-it")
        .withStateDir(Files.createTempDirectory("unsubscribe-it").toString()), AccountRouter.single("default"));
    app.start();
    // the receiver first: the links point at its port; the worker and it share the key (from the environment)
    Map<String, String> env = Map.of("NOTIFIER_UNSUBSCRIBE_KEY", "an-unsubscribe-key-of-more-than-32-bytes");
    writer = new FeedbackWriter(settings.clientProperties(), TOPICS, "unsubscribe-it");
    UnsubscribeSettings bootstrap = new UnsubscribeSettings("http://127.0.0.1:1", "NOTIFIER_UNSUBSCRIBE_KEY");
    UnsubscribeTokens tokens = bootstrap.tokens(env::get);
    receiver = new WebhookReceiver(new InetSocketAddress("127.0.0.1", 0), null, null, tokens, writer::write,
        new SimpleMeterRegistry(), Clock.systemUTC());
    UnsubscribeSettings unsubscribe = new UnsubscribeSettings("http://127.0.0.1:" + receiver.port(),
        "NOTIFIER_UNSUBSCRIBE_KEY");
    worker = new SenderWorker(WorkerContext.builder(settings, new WorkerSettings(null, "unsubscribe-it-worker", null,
        List.of(AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test"))))
        .unsubscribe(UnsubscribeLinks.of(unsubscribe, env::get)).build());
    pool = Executors.newSingleThreadExecutor();
    pool.submit(worker);
  }

  @AfterAll
  static void stop() {
    Resources.closeInOrder(worker, Resources.stopping(pool), receiver, writer, app, smtp, kafka);
  }

  @Test
  void theOneClickLinkInAMailSuppressesThatCategoryOnlyAndTheNextSuchMailNeverReachesSmtp() throws Exception {
    // Step 1: henry gets a bug mail; it carries the one-click headers, with no address in the link
    publish(RecordKind.USERS, "{\"userId\":\"henry\",\"email\":\"henry@example.net\"}",
        "{\"userId\":\"carol\",\"email\":\"carol@example.com\"}");
    String bugMail = mailAccepted("bug", "zt-bug-21-sent-");
    ReceivedMessage received = smtp.messages().stream()
        .filter(m -> bugMail.equals(m.header("X-Notifier-Notification-Id").orElse(null))).findFirst().orElseThrow();
    String header = received.header("List-Unsubscribe").orElseThrow();
    assertThat(header).startsWith("<http://127.0.0.1:" + receiver.port() + "/unsubscribe/").endsWith(">")
        .doesNotContain("henry", "example.net");
    assertThat(received.header("List-Unsubscribe-Post")).contains("List-Unsubscribe=One-Click");
    URI link = URI.create(header.substring(1, header.length() - 1));

    // Step 2: a mail scanner opens the link: nothing happens; henry's client sends the one-click POST
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(link).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<form method=\"post\">");
    assertThat(receiver.accepted()).isEmpty();
    HttpResponse<String> oneClick = http.send(HttpRequest.newBuilder(link)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(oneClick.statusCode()).as(oneClick.body()).isEqualTo(200);

    // Step 3: henry is suppressed for bug mail only, tied to the mail he unsubscribed from
    Suppression s = awaitSuppression(HENRY);
    assertThat(s.getReason()).isEqualTo(SuppressionReason.UNSUBSCRIBE);
    assertThat(s.getCategories()).containsExactly("bug");
    assertThat(s.getSource()).isEqualTo("unsubscribe");
    assertThat(s.getNotificationId()).isEqualTo(bugMail);

    // Step 4: his next bug mail is skipped at the topology and never reaches SMTP
    AtomicReference<String> skipped = new AtomicReference<>();
    Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      String eventId = "zt-bug-21-" + UUID.randomUUID();
      publish("bug", eventId);
      DeliveryStatus outcome = awaitOutcome(NotificationIds.forAddress(eventId, HENRY, "bug"), Duration.ofSeconds(60));
      assertThat(outcome.getReason()).isEqualTo("suppressed");
      assertThat(outcome.getDetail()).contains("for bug", "unsubscribe");
      skipped.set(NotificationIds.forAddress(eventId, HENRY, "bug"));
    });
    assertThat(idsMailedTo(HENRY)).doesNotContain(skipped.get()).contains(bugMail);

    // Step 5: a task mail, another category, still reaches him
    String taskMail = mailAccepted("task", "zt-task-21-");
    assertThat(idsMailedTo(HENRY)).contains(taskMail);
  }

  /** The id of a {@code type} notification to henry that the SMTP server accepted (retried while the directory loads). */
  private static String mailAccepted(String type, String prefix) {
    return Awaitility.await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
      String eventId = prefix + UUID.randomUUID();
      publish(type, eventId);
      String id = NotificationIds.forAddress(eventId, HENRY, type);
      return awaitOutcome(id, Duration.ofSeconds(20)).getState() == DeliveryState.SENT ? id : null;
    }, java.util.Objects::nonNull);
  }

  private static void publish(String type, String eventId) {
    String event = "{\"eventId\":\"" + eventId + "\",\"type\":\"" + type + ".assigned\",\"source\":\"zentao\","
        + "\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
        + "\"subject\":{\"kind\":\"" + type + "\",\"id\":\"21\",\"title\":\"Export is slow\"},"
        + "\"to\":[{\"userId\":\"henry\"}]}";
    publish(RecordKind.EVENTS, event);
  }

  private static List<String> idsMailedTo(String address) {
    return FeedbackTopicsWatch.idsMailedTo(smtp, address);
  }

  /** The first SENT or SKIPPED status of notification {@code id}, waiting at most {@code timeout}. */
  private static DeliveryStatus awaitOutcome(String id, Duration timeout) {
    return new FeedbackTopicsWatch(settings, TOPICS).awaitOutcome(id, timeout);
  }

  private static Suppression awaitSuppression(String address) {
    return new FeedbackTopicsWatch(settings, TOPICS).awaitSuppression(address);
  }

  private static void publish(RecordKind kind, String... jsonLines) {
    new FeedbackTopicsWatch(settings, TOPICS).publish(kind, jsonLines);
  }
}
