package dev.notifier.cli.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Suppression;
import dev.notifier.avro.SuppressionReason;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.feedback.webhook.SendGridVerifier;
import dev.notifier.feedback.webhook.WebhookReceiver;
import dev.notifier.cli.ops.OpsTestSupport.Run;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Resources;
import dev.notifier.testkit.avro.NewerRelease;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import dev.notifier.testkit.smtp.Transcript;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing the loop on a real broker and a real SMTP server: a 550 5.1.1 at RCPT becomes a hard
 * bounce on {@code notifier.feedback}, the streams app's learn stage suppresses the address, and the
 * next event for it is SKIPPED {@code suppressed} by the topology — its RCPT never reaches the SMTP
 * server again — while the other recipient of the same event gets her mail; an operator sees why
 * ({@code suppressions list}, {@code status --to}), removes it with a reason (audited, {@code show}),
 * and the next mail flows. An address suppressed by hand for one category is skipped and exported.
 */
@Timeout(240)
class SuppressionIntegrationTest {

  /** The topics, read as this release's tools read them: a newer release's records too (one test writes one). */
  private static Topics TOPICS = Topics.standard();
  private static final String GONE = "gone@example.org";
  private static final String ERIN = "erin@example.net";

  private static EmbeddedKafka kafka;
  private static ScriptableSmtpServer smtp;
  private static StreamsApp app;
  private static SenderWorker worker;
  private static ExecutorService pool;
  private static KafkaSettings settings;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.builder().partitions(3).start();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
    smtp = ScriptableSmtpServer.builder().build().start();
    smtp.script().at(Stage.RCPT).matching(GONE).reply("550 5.1.1 <" + GONE + ">: Recipient address rejected: "
        + "User unknown in virtual mailbox table").always();
    settings = KafkaSettings.of(kafka.bootstrapServers());
    TOPICS = TOPICS.readingNewer(KafkaSchemaStore.of(settings));
    app = new StreamsApp(settings, StreamsSettings.defaults().withApplicationId("suppression-it")
        .withStateDir(Files.createTempDirectory("suppression-it").toString()), AccountRouter.single("default"));
    app.start();
    worker = new SenderWorker(WorkerContext.builder(settings, new WorkerSettings(null, "suppression-it-worker", null,
        List.of(AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test")))).build());
    pool = Executors.newSingleThreadExecutor();
    pool.submit(worker);
  }

  @AfterAll
  static void stop() {
    Resources.closeInOrder(worker, Resources.stopping(pool), app, smtp, kafka);
  }

  @Test
  void aRejectionAtRcptSuppressesTheAddressAndTheNextEventNeverReachesSmtp() throws Exception {
    // Step 1: the directory, and an event for alice and bob (whose mailbox is gone)
    publish(RecordKind.USERS, "{\"userId\":\"alice\",\"email\":\"alice@example.com\"}",
        "{\"userId\":\"bob\",\"email\":\"Gone@Example.org\"}",
        "{\"userId\":\"carol\",\"email\":\"carol@example.com\"}");
    assertThat(app.awaitDirectory(3, 0, Duration.ofSeconds(60))).as("directory loaded").isTrue();
    publish(RecordKind.EVENTS, event("zt-bug-9-assign-1"));
    OpsTestSupport.awaitStates(kafka.bootstrapServers(), TOPICS, Map.of(
        id("zt-bug-9-assign-1", "alice@example.com"), DeliveryState.SENT,
        id("zt-bug-9-assign-1", "Gone@Example.org"), DeliveryState.DEAD), Duration.ofSeconds(90));

    // Step 2: the bounce became a suppression
    Suppression s = awaitSuppression(GONE);
    assertThat(s.getReason()).isEqualTo(SuppressionReason.HARD_BOUNCE);
    assertThat(s.getSource()).isEqualTo("smtp:default");
    assertThat(s.getDetail()).startsWith("hard-bounce 550 5.1.1: <" + GONE + ">: Recipient address rejected");
    assertThat(s.getNotificationId()).isEqualTo(id("zt-bug-9-assign-1", "Gone@Example.org"));
    assertThat(s.getExpiresAt()).isNull();
    assertThat(rcptsTo(GONE)).isEqualTo(1);

    // Step 3: the next event for both: alice gets it, bob is suppressed and never reaches SMTP
    publish(RecordKind.EVENTS, event("zt-bug-9-assign-2"));
    Map<String, DeliveryStatus> ledger = OpsTestSupport.awaitStates(kafka.bootstrapServers(), TOPICS, Map.of(
        id("zt-bug-9-assign-2", "alice@example.com"), DeliveryState.SENT,
        id("zt-bug-9-assign-2", "Gone@Example.org"), DeliveryState.SKIPPED), Duration.ofSeconds(90));
    DeliveryStatus skipped = ledger.get(id("zt-bug-9-assign-2", "Gone@Example.org"));
    assertThat(skipped.getReason()).isEqualTo("suppressed");
    assertThat(skipped.getDetail()).contains(GONE, "hard-bounce", "notifier suppressions remove");
    // the other tests of this class share the SMTP server: only what reached it for bob's address matters
    assertThat(smtp.messages()).filteredOn(m -> m.recipients().contains(GONE)).isEmpty();
    assertThat(rcptsTo(GONE)).as("no RCPT for a suppressed address").isEqualTo(1);

    // Step 4: an operator sees why, in the list, in show and in status --to
    String bootstrap = kafka.bootstrapServers();
    Run list = OpsTestSupport.run("suppressions", "list", "--domain", "example.org", "--bootstrap-server", bootstrap);
    System.out.println("$ notifier suppressions list\n" + list.out());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).containsPattern(GONE.replace(".", "\\.") + "\\s+hard-bounce\\s+all\\s")
        .contains("total 1 suppressed address(es)");
    Run status = OpsTestSupport.run("status", "--bootstrap-server", bootstrap, "--to", GONE);
    System.out.println("$ notifier status --to " + GONE + "\n" + status.out());
    assertThat(status.out()).startsWith(GONE + ": suppressed (hard-bounce, all mail) since ")
        .contains("from smtp:default, until removed: hard-bounce 550 5.1.1");
    Run shown = OpsTestSupport.run("suppressions", "show", GONE, "--bootstrap-server", bootstrap);
    System.out.println("$ notifier suppressions show " + GONE + "\n" + shown.out());
    assertThat(shown.code()).as(shown.err()).isZero();
    assertThat(shown.out()).startsWith(GONE + ": suppressed (hard-bounce, all mail) since ")
        .contains("  notification: " + id("zt-bug-9-assign-1", "Gone@Example.org"), "  no change by hand");

    // Step 5: the mailbox is restored; the operator removes the suppression, with a reason, audited
    smtp.clearScript();
    Run removed = OpsTestSupport.run("suppressions", "remove", GONE, "--reason", "mailbox restored, ticket 4711",
        "--bootstrap-server", bootstrap);
    System.out.println("$ notifier suppressions remove " + GONE + "\n" + removed.out() + removed.err());
    assertThat(removed.code()).as(removed.err()).isZero();
    assertThat(removed.out()).contains("removed the suppression of " + GONE + " (hard-bounce since ");
    Run show = OpsTestSupport.run("suppressions", "show", GONE, "--bootstrap-server", bootstrap);
    System.out.println("$ notifier suppressions show " + GONE + "\n" + show.out());
    assertThat(show.code()).as("not suppressed any more").isEqualTo(1);
    assertThat(show.out()).contains(GONE + ": not suppressed")
        .containsPattern("suppression\\.remove by User:ANONYMOUS \\(OS user [^)]+\\): mailbox restored, ticket 4711");
    Run again = OpsTestSupport.run("suppressions", "remove", GONE, "--reason", "twice", "--bootstrap-server", bootstrap);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains(GONE + " is not suppressed: nothing to remove");

    // Step 6: mail flows again
    publish(RecordKind.EVENTS, event("zt-bug-9-assign-3"));
    OpsTestSupport.awaitStates(bootstrap, TOPICS, Map.of(
        id("zt-bug-9-assign-3", "Gone@Example.org"), DeliveryState.SENT), Duration.ofSeconds(90));
    assertThat(rcptsTo(GONE)).isEqualTo(2);
  }

  @Test
  void anOperatorSuppressesAnAddressByHandAndExportsTheList() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    publish(RecordKind.USERS, "{\"userId\":\"dave\",\"email\":\"dave@example.net\"}",
        "{\"userId\":\"carol\",\"email\":\"carol@example.com\"}");
    Run added = OpsTestSupport.run("suppressions", "add", "Dave@Example.net", "--reason", "asked us by phone",
        "--category", "bug.*", "--for", "30d", "--bootstrap-server", bootstrap);
    System.out.println("$ notifier suppressions add Dave@Example.net\n" + added.out() + added.err());
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out()).contains("suppressed dave@example.net by User:ANONYMOUS",
        "(manual, only bug.*)", ": asked us by phone");

    Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      String eventId = "zt-bug-11-" + UUID.randomUUID();
      publish(RecordKind.EVENTS, event(eventId).replace("\"userId\":\"alice\"", "\"userId\":\"dave\"")
          .replace(",\"cc\":[{\"userId\":\"bob\"}]", ",\"cc\":[]"));
      // the topology's global table follows the topic within moments: an event just before may still be sent
      assertThat(awaitOutcome(id(eventId, "dave@example.net")).getReason()).isEqualTo("suppressed");
    });

    Path csv = Files.createTempDirectory("suppressions").resolve("suppressed.csv");
    Run export = OpsTestSupport.run("suppressions", "export", "--kind", "manual", "--output", csv.toString(),
        "--bootstrap-server", bootstrap);
    assertThat(export.code()).as(export.err()).isZero();
    List<String> rows = Files.readAllLines(csv);
    assertThat(rows.get(0)).isEqualTo("address,reason,categories,firstSeen,lastSeen,count,expires,source,detail");
    // the manual suppressions of this class's tests (another may have added one, not of this CLI)
    assertThat(rows.subList(1, rows.size())).filteredOn(r -> !r.startsWith("gina@")).singleElement().satisfies(r ->
        assertThat(r).startsWith("dave@example.net,manual,bug.*,").contains(",cli:User:ANONYMOUS,asked us by phone"));
    Path jsonl = csv.resolveSibling("suppressed.jsonl");
    Run exportJsonl = OpsTestSupport.run("suppressions", "export", "--kind", "manual", "--format", "jsonl",
        "--output", jsonl.toString(), "--bootstrap-server", bootstrap);
    assertThat(exportJsonl.code()).as(exportJsonl.err()).isZero();
    assertThat(Files.readAllLines(jsonl)).filteredOn(l -> !l.contains("gina@")).singleElement().satisfies(line -> {
      com.fasterxml.jackson.databind.JsonNode row = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
      assertThat(row.path("address").asText()).isEqualTo("dave@example.net");
      assertThat(row.path("reason").asText()).isEqualTo("manual");
    });
    // who changed what: the add is in the audit that show prints
    Run shown = OpsTestSupport.run("suppressions", "show", "dave@example.net", "--bootstrap-server", bootstrap);
    assertThat(shown.code()).as(shown.err()).isZero();
    assertThat(shown.out()).containsPattern(
        "suppression\\.add by User:ANONYMOUS \\(OS user [^)]+\\): asked us by phone");
    Run bad = OpsTestSupport.run("suppressions", "list", "--kind", "bounced", "--bootstrap-server", bootstrap);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--kind bounced is not a kind: use hard-bounce, soft-bounces");
  }

  @Test
  void aSuppressionWrittenByANewerReleaseIsReadThroughTheSchemaTopicAndItsAddressIsSkipped() throws Exception {
    // a newer release's suppressions add: a field more, a reason this release does not know; like every writer,
    // it publishes its schema to the schema topic before its first record
    NewerRelease newer = new NewerRelease(Suppression.getClassSchema(), "reason", "LEGAL_HOLD");
    KafkaSchemaStore.publish(kafka.producerProps(), TOPICS.schemas().name(), List.of(newer.schema()),
        Duration.ofSeconds(30));
    publish(RecordKind.USERS, "{\"userId\":\"gina\",\"email\":\"gina@example.net\"}");
    long now = System.currentTimeMillis();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(TOPICS.suppressions().name(), "gina@example.net", newer.encode(Map.of(
          "address", "gina@example.net", "reason", "LEGAL_HOLD", "source", "cli:User:legal", "firstSeen", now,
          "lastSeen", now, "addedLater", "case 42")))).get();
    }

    // this release's topology reads it through the schema topic (an unreadable one would be skipped, and gina
    // mailed): her mail is skipped, the reason it does not know read as manual
    String id = awaitSkippedSuppressed("gina", "gina@example.net", "zt-bug-14-newer-");
    assertThat(awaitOutcome(id).getDetail()).contains("(manual since", "from cli:User:legal");

    // and this release's operator tool lists it (it read no suppression at all while one it could not decode
    // was in the topic)
    Run listed = OpsTestSupport.run("suppressions", "list", "--bootstrap-server", kafka.bootstrapServers());
    assertThat(listed.code()).as(listed.err()).isZero();
    assertThat(listed.out()).containsPattern("gina@example\\.net\\s+manual");
  }

  @Test
  void aDsnInTheBounceMailboxHoursLaterSuppressesTheAddressToo() throws Exception {
    // Step 1: erin's mail is accepted by the SMTP server (SENT: no bounce at RCPT); a real IMAP server
    // on loopback will hold the DSN her own server sends back hours later
    GreenMail imap = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    imap.start();
    try {
      publish(RecordKind.USERS, "{\"userId\":\"erin\",\"email\":\"erin@example.net\"}");
      String accepted = mailAccepted("erin", ERIN);
      assertThat(idsMailedTo(ERIN)).containsExactly(accepted);
      GreenMailUser mailbox = imap.setUser("bounces@notifier.test", "bounces", "imap-secret");
      mailbox.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(
          postfixDsn(ERIN, accepted).getBytes(StandardCharsets.UTF_8))));
      Path password = Files.createTempFile("imap", ".secret");
      Files.writeString(password, "imap-secret");
      Path config = OpsTestSupport.configFile(kafka.bootstrapServers(), "", "bounces:",
          "  host: 127.0.0.1", "  port: " + imap.getImap().getPort(), "  security: none",
          "  username: bounces", "  passwordFile: " + password);

      // Step 2: notifier bounces reads it once; a second pass finds nothing new
      Run first = OpsTestSupport.run("bounces", "--config", config.toString(), "--once");
      System.out.println("$ notifier bounces --config F --once\n" + first.out() + first.err());
      assertThat(first.code()).as(first.err()).isZero();
      assertThat(first.out()).contains("imap:bounces@127.0.0.1/INBOX: 1 message(s), 1 report(s), "
          + "1 feedback record(s) (hard-bounce 1)");
      assertThat(first.out() + first.err()).doesNotContain("imap-secret");
      Run second = OpsTestSupport.run("bounces", "--config", config.toString(), "--once");
      assertThat(second.out()).contains("0 message(s)");

      // Step 3: the address is suppressed, tied to the notification that bounced and dated by the DSN
      Suppression s = awaitSuppression(ERIN);
      assertThat(s.getReason()).isEqualTo(SuppressionReason.HARD_BOUNCE);
      assertThat(s.getSource()).isEqualTo("imap:bounces@127.0.0.1/INBOX");
      assertThat(s.getNotificationId()).isEqualTo(accepted);
      assertThat(s.getFirstSeen()).isEqualTo(java.time.Instant.parse("2026-11-21T16:02:11Z"));
      assertThat(s.getDetail()).isEqualTo("hard-bounce: 550 5.1.1 <" + ERIN + ">: Recipient address rejected: "
          + "User unknown");

      // Step 4: the next event for erin is skipped and never reaches the SMTP server
      String skipped = awaitSkippedSuppressed("erin", ERIN, "zt-bug-12-");
      assertThat(idsMailedTo(ERIN)).as("mail that reached the SMTP server for " + ERIN)
          .doesNotContain(skipped).contains(accepted);
    } finally {
      imap.stop();
    }
  }

  /**
   * The id of a notification to {@code userId} ({@code address}) that the SMTP server accepted: events
   * are published until one is SENT, as the directory's global table may not hold the user yet.
   */
  private static String mailAccepted(String userId, String address) {
    return Awaitility.await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
      String eventId = "zt-bug-12-sent-" + UUID.randomUUID();
      publishFor(userId, eventId);
      String id = id(eventId, address);
      return awaitOutcome(id, Duration.ofSeconds(20)).getState() == DeliveryState.SENT ? id : null;
    }, java.util.Objects::nonNull);
  }

  /**
   * The id of a notification to {@code userId} ({@code address}) SKIPPED {@code suppressed}: events are
   * published until one is, as the topology's global table follows the suppressions topic within moments.
   */
  private static String awaitSkippedSuppressed(String userId, String address, String prefix) {
    java.util.concurrent.atomic.AtomicReference<String> skipped = new java.util.concurrent.atomic.AtomicReference<>();
    Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      String eventId = prefix + UUID.randomUUID();
      publishFor(userId, eventId);
      DeliveryStatus outcome = awaitOutcome(id(eventId, address));
      assertThat(outcome.getReason()).isEqualTo("suppressed");
      skipped.set(id(eventId, address));
    });
    return skipped.get();
  }

  private static void publishFor(String userId, String eventId) {
    publish(RecordKind.EVENTS, event(eventId).replace("\"userId\":\"alice\"", "\"userId\":\"" + userId + "\"")
        .replace(",\"cc\":[{\"userId\":\"bob\"}]", ",\"cc\":[]"));
  }

  /** The notification ids of the messages the SMTP server received for {@code address}. */
  private static List<String> idsMailedTo(String address) {
    return FeedbackTopicsWatch.idsMailedTo(smtp, address);
  }

  /** A Postfix DSN, as its bounce daemon writes one, for a notification to {@code to}. */
  private static String postfixDsn(String to, String notificationId) {
    return String.join("\r\n",
        "From: MAILER-DAEMON@mx.notifier.test (Mail Delivery System)",
        "To: bounces@notifier.test",
        "Subject: Undelivered Mail Returned to Sender",
        "Date: Sat, 21 Nov 2026 16:02:11 +0000",
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"",
        "",
        "--B",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "This is the mail system at host mx.notifier.test.",
        "",
        "--B",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.notifier.test",
        "",
        "Final-Recipient: rfc822; " + to,
        "Action: failed",
        "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 <" + to + ">: Recipient address rejected: User unknown",
        "",
        "--B",
        "Content-Type: text/rfc822-headers",
        "",
        "Message-ID: <" + notificationId + "@notifier.test>",
        "X-Notifier-Notification-Id: " + notificationId,
        "To: " + to,
        "",
        "--B--",
        "");
  }


  @Test
  void aSignedComplaintOnTheSendGridWebhookSuppressesTheAddressAndAForgedOneDoesNot() throws Exception {
    // Step 1: the receiver with SendGrid's verification key (made here), writing to notifier.feedback
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair sendgrid = generator.generateKeyPair();
    KeyPair forger = generator.generateKeyPair();
    publish(RecordKind.USERS, "{\"userId\":\"frank\",\"email\":\"frank@example.net\"}",
        "{\"userId\":\"grace\",\"email\":\"grace@example.net\"}");
    java.time.Clock clock = java.time.Clock.systemUTC();
    try (FeedbackWriter writer = new FeedbackWriter(settings.clientProperties(), TOPICS, "test");
        WebhookReceiver receiver = new WebhookReceiver(new InetSocketAddress("127.0.0.1", 0), null,
            new SendGridVerifier(Base64.getEncoder().encodeToString(sendgrid.getPublic().getEncoded()), clock),
            writer::write)) {
      // Step 2: frank complains (signed); a forged complaint about grace is refused
      String now = Long.toString(clock.instant().getEpochSecond());
      String frank = "[{\"email\":\"frank@example.net\",\"timestamp\":" + now + ",\"event\":\"spamreport\"}]";
      String grace = "[{\"email\":\"grace@example.net\",\"timestamp\":" + now + ",\"event\":\"spamreport\"}]";
      assertThat(postSendGrid(receiver.port(), frank, now, sendgrid)).isEqualTo(200);
      assertThat(postSendGrid(receiver.port(), grace, now, forger)).isEqualTo(403);
      assertThat(receiver.refusals()).isEqualTo(Map.of("sendgrid bad-signature", 1L));
    }

    // Step 3: frank is suppressed for the complaint and his next mail is skipped; grace's still goes out
    Suppression s = awaitSuppression("frank@example.net");
    assertThat(s.getReason()).isEqualTo(SuppressionReason.COMPLAINT);
    assertThat(s.getSource()).isEqualTo("sendgrid");
    java.util.concurrent.atomic.AtomicReference<String> skipped = new java.util.concurrent.atomic.AtomicReference<>();
    Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      String eventId = "zt-bug-13-" + UUID.randomUUID();
      publish(RecordKind.EVENTS, event(eventId).replace("\"userId\":\"alice\"", "\"userId\":\"frank\"")
          .replace("\"userId\":\"bob\"", "\"userId\":\"grace\""));
      assertThat(awaitOutcome(id(eventId, "frank@example.net")).getReason()).isEqualTo("suppressed");
      assertThat(awaitOutcome(id(eventId, "grace@example.net")).getState()).isEqualTo(DeliveryState.SENT);
      skipped.set(id(eventId, "frank@example.net"));
    });
    assertThat(idsMailedTo("frank@example.net")).doesNotContain(skipped.get());
  }

  private static int postSendGrid(int port, String body, String timestamp, KeyPair key) throws Exception {
    Signature signature = Signature.getInstance("SHA256withECDSA");
    signature.initSign(key.getPrivate());
    signature.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/sendgrid"))
        .header(SendGridVerifier.SIGNATURE, Base64.getEncoder().encodeToString(signature.sign()))
        .header(SendGridVerifier.TIMESTAMP, timestamp)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static long rcptsTo(String address) {
    return smtp.transcripts().stream().map(Transcript::lines).flatMap(List::stream)
        .filter(l -> l.toUpperCase(java.util.Locale.ROOT).startsWith("C: RCPT TO:") || l.startsWith("RCPT TO:"))
        .filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains(address)).count();
  }

  /** The first SENT or SKIPPED status of notification {@code id}. */
  private static DeliveryStatus awaitOutcome(String id) {
    return awaitOutcome(id, Duration.ofSeconds(60));
  }

  /** The first SENT or SKIPPED status of notification {@code id}, waiting at most {@code timeout}. */
  private static DeliveryStatus awaitOutcome(String id, Duration timeout) {
    return new FeedbackTopicsWatch(settings, TOPICS).awaitOutcome(id, timeout);
  }

  private static Suppression awaitSuppression(String address) {
    return new FeedbackTopicsWatch(settings, TOPICS).awaitSuppression(address);
  }

  private static String id(String eventId, String address) {
    return NotificationIds.forAddress(eventId, address, "bug");
  }

  private static String event(String eventId) {
    return "{\"eventId\":\"" + eventId + "\",\"type\":\"bug.assigned\",\"source\":\"zentao\","
        + "\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
        + "\"subject\":{\"kind\":\"bug\",\"id\":\"9\",\"title\":\"Export is slow\"},"
        + "\"to\":[{\"userId\":\"alice\"}],\"cc\":[{\"userId\":\"bob\"}]}";
  }

  private static void publish(RecordKind kind, String... jsonLines) {
    new FeedbackTopicsWatch(settings, TOPICS).publish(kind, jsonLines);
  }
}
