package dev.notifier.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.notifier.avro.DeliveryState;
import dev.notifier.cli.management.Health;
import dev.notifier.cli.management.ManagementServer;
import dev.notifier.cli.management.ManagementSettings;
import dev.notifier.cli.management.ProcessMetrics;
import dev.notifier.cli.management.WorkerHealth;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.cli.ops.invalid.InvalidEvent;
import dev.notifier.cli.ops.invalid.InvalidFilter;
import dev.notifier.cli.ops.invalid.Republisher;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.config.BreakerSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.ChildTemp;
import dev.notifier.testkit.Resources;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.io.BufferedReader;
import java.io.File;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (headless Chromium through Selenium) against an embedded broker
 * holding what the real topology and a real worker made of real events, with a real SMTP server
 * refusing some recipients: filter, open one, dry-run and replay, roles and CSRF, the accounts live, the events
 * the topology could not read and their republication.
 * Screenshots of each page go to target/console-screenshots (README shows copies under docs/).
 */
@TestMethodOrder(OrderAnnotation.class)
class ConsoleBrowserIntegrationTest {

  private static final Topics TOPICS = Topics.standard();
  private static final String EVENT = "zt-bug-7-assign-1";
  private static final List<String> GONE = List.of("gone1@example.org", "gone2@example.org", "gone3@example.com");
  private static final String BLOCKED = "blocked1@example.org";
  private static final String MARKUP = "<script>alert(2)</script>";
  private static final Path SHOTS = Path.of("target", "console-screenshots");

  private static EmbeddedKafka kafka;
  private static ScriptableSmtpServer smtp;
  private static StreamsApp app;
  private static SenderWorker worker;
  private static ProcessMetrics metrics;
  private static ManagementServer management;
  private static ConsoleServer console;
  private static ExecutorService pool;
  private static WebDriver vera;
  private static WebDriver rita;
  private static WebDriver phone;
  /** Where the mail's remote image and stylesheet point: counts every request the browser makes of it. */
  private static HttpServer tracker;
  private static final AtomicInteger TRACKED = new AtomicInteger();
  private static final AtomicInteger CONTROL = new AtomicInteger();

  @BeforeAll
  static void startEverything() throws Exception {
    Chromium.require();
    tracker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    tracker.createContext("/", exchange -> {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        boolean control = path.equals("/control");
        if (path.equals("/logo.png") || path.equals("/mail.css")) {
          TRACKED.incrementAndGet();
        } else if (path.equals("/control.png")) {
          CONTROL.incrementAndGet();
        }
        byte[] body = (control ? "<!DOCTYPE html><iframe sandbox srcdoc=\"<img src='" + trackerUrl("/control.png")
            + "'>\"></iframe>" : "").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/html");
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
      }
    });
    tracker.start();
    kafka = EmbeddedKafka.builder().partitions(3).start();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
    smtp = ScriptableSmtpServer.builder().build().start();
    smtp.script().at(Stage.RCPT).matching("gone").reply("550 5.1.1 Recipient address rejected: User unknown")
        .always();
    smtp.script().at(Stage.DATA_END).matching(BLOCKED).reply("554 5.7.1 Message rejected as spam").always();
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    AccountSettings account = AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test");
    metrics = new ProcessMetrics();
    // the operator's bug template shows a logo and a stylesheet from a web server: the console must not fetch them
    app = new StreamsApp(settings, new StreamsSettings("console-it", Files.createTempDirectory("console-it").toString(),
        null, null, templatesWithRemoteContent().toString(), null, null, null), AccountRouter.single("default"));
    worker = new SenderWorker(WorkerContext.builder(settings, new WorkerSettings(null, "console-worker",
        Duration.ofMillis(100), List.of(account)).withBackoff(BackoffPolicy.builder().minDelay(Duration.ofMillis(200))
        .maxDelay(Duration.ofSeconds(1)).lifetime(Duration.ofMinutes(5)).build())
        .withBreaker(BreakerSettings.defaults().withOpenFor(Duration.ofSeconds(6)))).meterRegistry(metrics.registry())
        .build());
    management = ManagementServer.start(ManagementSettings.loopback(0), metrics,
        Health.all(List.of(new WorkerHealth(worker::status))));
    app.start();
    pool = Executors.newSingleThreadExecutor();
    pool.submit(worker);

    // real events through the real topology: three unknown mailboxes, one refused relay, one delivered
    try (Publisher publisher = new Publisher(settings.clientProperties(), TOPICS)) {
      StringBuilder users = new StringBuilder("{\"userId\":\"carol\",\"email\":\"carol@example.com\"}\n"
          + "{\"userId\":\"ok\",\"email\":\"ok@example.net\"}\n{\"userId\":\"blocked\",\"email\":\"" + BLOCKED + "\"}\n");
      for (int i = 0; i < GONE.size(); i++) {
        users.append("{\"userId\":\"gone").append(i + 1).append("\",\"email\":\"").append(GONE.get(i)).append("\"}\n");
      }
      publisher.publish(new BufferedReader(new StringReader(users.toString())), RecordKind.USERS, false);
      assertThat(app.awaitDirectory(6, 0, Duration.ofSeconds(60))).isTrue();
      publisher.publish(new BufferedReader(new StringReader(event(EVENT, "ok", "gone1", "gone2", "gone3", "blocked"))),
          RecordKind.EVENTS, false);
    }
    Map<String, DeliveryState> expected = new LinkedHashMap<>();
    GONE.forEach(a -> expected.put(id(a), DeliveryState.DEAD));
    expected.put(id(BLOCKED), DeliveryState.DEAD);
    expected.put(id("ok@example.net"), DeliveryState.SENT);
    OpsTestSupport.awaitStates(kafka.bootstrapServers(), TOPICS, expected, Duration.ofSeconds(90));
    // two events the topology cannot read: bytes in no encoding, and JSON without its type whose title is markup
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.clientProperties(),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(TOPICS.events().name(), "garbage-1", new byte[] {0x13, 0x37, (byte) 0xFF}));
      ProducerRecord<String, byte[]> noType = new ProducerRecord<>(TOPICS.events().name(), "no-type-1",
          ("{\"eventId\":\"no-type-1\",\"source\":\"zentao\",\"subject\":{\"title\":\"" + MARKUP + "\"}}")
              .getBytes(StandardCharsets.UTF_8));
      noType.headers().add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
          .getBytes(StandardCharsets.UTF_8));
      producer.send(noType);
    }
    Await.until(Duration.ofSeconds(60), "two events filed invalid", () -> invalidEvents().size() == 2);

    ConsoleSettings consoleSettings = new ConsoleSettings("127.0.0.1", 0, List.of(
        new ConsoleUser.Configured("vera", Passwords.hash("vera-pw".toCharArray()), "viewer"),
        new ConsoleUser.Configured("rita", Passwords.hash("rita-pw".toCharArray()), "replayer")), null, null,
        List.of("http://127.0.0.1:" + management.port()));
    console = ConsoleServer.start(consoleSettings, settings, settings.topics(), a -> "noreply@notifier.test", Clock.systemUTC())
        .groups("console-it", WorkerSettings.DEFAULT_GROUP_ID);
    Files.createDirectories(SHOTS);
    vera = browser();
    rita = browser();
  }

  /** The built-in bug template, its HTML with a remote image and stylesheet, as an operator's template directory. */
  private static Path templatesWithRemoteContent() throws Exception {
    Path dir = Files.createTempDirectory("console-it-templates");
    Path en = Files.createDirectories(dir.resolve("bug").resolve("en"));
    for (String file : List.of("subject.mustache", "text.mustache", "html.mustache")) {
      String text;
      try (var in = StreamsApp.class.getResourceAsStream("/templates/bug/en/" + file)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (file.startsWith("html")) {
        assertThat(text).contains("</body>");
        text = text.replace("</body>", "<img id=\"logo\" src=\"" + trackerUrl("/logo.png") + "\" alt=\"logo\">"
            + "<link rel=\"stylesheet\" href=\"" + trackerUrl("/mail.css") + "\"></body>");
      }
      Files.writeString(en.resolve(file), text);
    }
    return dir;
  }

  private static String trackerUrl(String path) {
    return "http://127.0.0.1:" + tracker.getAddress().getPort() + path;
  }

  @AfterAll
  static void stopEverything() {
    Resources.closeInOrder(vera == null ? null : vera::quit, rita == null ? null : rita::quit,
        phone == null ? null : phone::quit, console, worker, app, management, metrics, smtp, kafka,
        tracker == null ? null : () -> tracker.stop(0), Resources.stopping(pool));
  }

  @Test
  @Order(1)
  void filteringByClassAndDomainShowsTheRightRowsAndCounts() throws Exception {
    open(vera, "vera", "/dead-letters");
    assertThat(vera.findElement(By.id("matched")).getText()).contains("4");
    assertThat(facet(vera, "class")).containsEntry("DEAD_RECIPIENT", "3").containsEntry("PERMANENT", "1");
    assertThat(facet(vera, "domain")).containsEntry("example.org", "3").containsEntry("example.com", "1");
    assertThat(vera.findElement(By.id("chart")).findElements(By.tagName("rect"))).isNotEmpty();
    shot(vera, "dead-letters");

    // a facet value is a link: click DEAD_RECIPIENT, then narrow to example.org in the form
    navigate(vera, vera.findElement(By.cssSelector("#facet-class a[data-value='DEAD_RECIPIENT']")));
    assertThat(rows(vera)).hasSize(3);
    WebElement domain = vera.findElement(By.name("domain"));
    domain.clear();
    domain.sendKeys("example.org");
    navigate(vera, vera.findElement(By.id("apply")));
    assertThat(rows(vera)).hasSize(2);
    assertThat(vera.findElement(By.id("dead-letters")).getText()).contains("gone1@example.org", "gone2@example.org")
        .doesNotContain("gone3@example.com", BLOCKED);
    assertThat(facet(vera, "class")).containsOnly(Map.entry("DEAD_RECIPIENT", "2"));

    // sorted by recipient, then the other way round
    open(vera, "vera", "/dead-letters");
    navigate(vera, vera.findElement(By.id("sort-recipient")));
    assertThat(recipients(vera)).containsExactly(BLOCKED, "gone1@example.org", "gone2@example.org",
        "gone3@example.com");
    navigate(vera, vera.findElement(By.id("sort-recipient")));
    assertThat(recipients(vera)).containsExactly("gone3@example.com", "gone2@example.org", "gone1@example.org",
        BLOCKED);

    // the same page in Chinese
    open(vera, "vera", "/dead-letters?class=DEAD_RECIPIENT&lang=zh-CN");
    assertThat(vera.findElement(By.tagName("h1")).getText()).isEqualTo("死信");
    assertThat(vera.findElement(By.id("matched")).getText()).isEqualTo("共 3 条死信符合条件");
  }

  @Test
  @Order(2)
  void oneNotificationShowsItsWholeStory() throws Exception {
    open(vera, "vera", "/dead-letters?class=PERMANENT");
    navigate(vera, vera.findElement(By.cssSelector("#dead-letters tbody a")));
    String timeline = vera.findElement(By.id("timeline")).getText();
    assertThat(timeline).contains("QUEUED", "DEAD");
    // each status with the worker that wrote it: the DEAD one by the worker, the QUEUED one by the streams app (none)
    assertThat(vera.findElements(By.cssSelector("#timeline tr.status")))
        .extracting(r -> r.findElement(By.className("state")).getText() + " "
            + r.findElement(By.className("worker")).getText())
        .containsExactly("QUEUED ", "DEAD console-worker");
    assertThat(vera.findElement(By.cssSelector(".failure-class")).getText()).isEqualTo("PERMANENT");
    assertThat(vera.findElement(By.cssSelector("dd.reply")).getText()).contains("rejected as spam");
    assertThat(vera.findElement(By.id("text-body")).getText()).contains("Bug #7");
    WebElement frame = vera.findElement(By.id("html-body"));
    assertThat(frame.getAttribute("sandbox")).isNotNull();
    assertThat(frame.getAttribute("srcdoc")).contains(trackerUrl("/logo.png"), trackerUrl("/mail.css"));
    assertThat(vera.getPageSource()).doesNotContain("<script>alert");
    // the frame's remote image and stylesheet are never fetched (the page's Content-Security-Policy holds in it)
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> TRACKED.get() == 0);
    shot(vera, "notification");
    // the control: the same browser does fetch a sandboxed frame's image on a page without that policy
    vera.get(trackerUrl("/control"));
    await().atMost(Duration.ofSeconds(10)).until(() -> CONTROL.get() > 0);
  }

  @Test
  @Order(3)
  void theLedgerFindsANotificationByAddressWithoutPuttingTheAddressInTheUrl() throws Exception {
    open(vera, "vera", "/ledger");
    vera.findElement(By.id("q")).sendKeys("GONE3@example.com");
    navigate(vera, vera.findElement(By.id("search")));
    assertThat(vera.findElement(By.id("ledger")).getText()).contains("gone3@example.com", "DEAD");
    assertThat(vera.getCurrentUrl()).doesNotContain("gone3").doesNotContain("%40");
    // the worker's 550 5.1.1 became a hard-bounce suppression (feedback → the streams app): the search shows it
    Await.until(Duration.ofSeconds(60), "gone3's suppression shown", () -> {
      if (vera.findElement(By.id("suppression")).getText().contains("suppressed (hard-bounce")) {
        return true;
      }
      navigate(vera, vera.findElement(By.id("search")));
      return false;
    });
    shot(vera, "ledger");
    vera.findElement(By.id("q")).clear();
    vera.findElement(By.id("q")).sendKeys(EVENT);
    navigate(vera, vera.findElement(By.id("search")));
    assertThat(vera.findElements(By.cssSelector("#ledger tbody tr"))).as("the event's five recipients").hasSize(5);
  }

  @Test
  @Order(4)
  void aViewerSeesNoReplayButtonAndHerPostIsRefused() throws Exception {
    open(vera, "vera", "/dead-letters?class=DEAD_RECIPIENT");
    assertThat(vera.findElements(By.id("replay-form"))).isEmpty();
    assertThat(vera.findElement(By.id("no-grant")).getText()).contains("replayer");
    HttpResponse<String> post = post("vera", "vera-pw", "class=DEAD_RECIPIENT&reason=x&mode=replay&csrf=anything");
    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(post.body()).contains("replayer role");
  }

  @Test
  @Order(5)
  void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
    long sends = OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.send().name());
    HttpResponse<String> post = post("rita", "rita-pw", "class=DEAD_RECIPIENT&reason=forged&mode=replay");
    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(post.body()).contains("CSRF");
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.send().name())).isEqualTo(sends);
  }

  @Test
  @Order(6)
  void aDryRunShowsTheHistogramThenTheReplayDeliversEachMailOnce() throws Exception {
    long sends = OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.send().name());
    open(rita, "rita", "/dead-letters?class=DEAD_RECIPIENT&domain=example.org");
    rita.findElement(By.id("reason")).sendKeys("mailboxes restored, INC-7");
    navigate(rita, rita.findElement(By.id("dry-run")));
    assertThat(rita.findElement(By.id("would-replay")).getText()).contains("2 of 2");
    assertThat(rita.findElement(By.id("by-class")).getText()).contains("DEAD_RECIPIENT 2");
    assertThat(rita.findElement(By.id("by-domain")).getText()).contains("example.org 2");
    assertThat(rita.findElement(By.id("skipped")).getText()).contains("none: every matching dead letter");
    shot(rita, "replay-dry-run");
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.send().name()))
        .as("a dry run writes nothing").isEqualTo(sends);

    // a reason is required and the rate is capped, by the server too (not only by the form)
    String csrf = rita.findElement(By.cssSelector("#replay-now-form input[name=csrf]")).getAttribute("value");
    HttpResponse<String> noReason = post("rita", "rita-pw",
        "class=DEAD_RECIPIENT&domain=example.org&reason=+&mode=replay&csrf=" + csrf);
    assertThat(noReason.body()).contains("id=\"refused\"", "reason is empty");
    HttpResponse<String> tooFast = post("rita", "rita-pw",
        "class=DEAD_RECIPIENT&domain=example.org&reason=x&rate=1000&mode=replay&csrf=" + csrf);
    assertThat(tooFast.body()).contains("id=\"refused\"", "at most 200");
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.send().name()))
        .as("a refused replay writes nothing").isEqualTo(sends);

    smtp.clearScript(); // the mailboxes are back
    smtp.clear();
    navigate(rita, rita.findElement(By.id("replay-now")));
    assertThat(rita.findElement(By.id("done")).getText()).contains("2 of 2", "console:rita", "INC-7");
    List<ReceivedMessage> received = smtp.awaitMessages(2, Duration.ofSeconds(60));
    Thread.sleep(1_000); // a second copy would arrive right behind the first
    assertThat(smtp.messages()).extracting(m -> m.recipients().get(0))
        .containsExactlyInAnyOrder("gone1@example.org", "gone2@example.org");
    assertThat(received).hasSize(2);

    // the audit topic holds one record per replayed notification: the console user and the reason
    assertThat(audits()).filteredOn(a -> a.path("osUser").asText().equals("console:rita"))
        .extracting(a -> a.path("notificationId").asText() + " " + a.path("reason").asText())
        .containsExactlyInAnyOrder(id("gone1@example.org") + " mailboxes restored, INC-7",
            id("gone2@example.org") + " mailboxes restored, INC-7");

    // the same dry run again replays nothing and says why: both are on their way or sent (the template and
    // attempts filters go into the replay like the others)
    open(rita, "rita", "/dead-letters?class=DEAD_RECIPIENT&domain=example.org&template=bug&attempts=1");
    assertThat(rows(rita)).hasSize(2);
    rita.findElement(By.id("reason")).sendKeys("again");
    navigate(rita, rita.findElement(By.id("dry-run")));
    assertThat(rita.findElement(By.id("would-replay")).getText()).contains("0 of 2");
    int skipped = 0;
    for (WebElement row : rita.findElements(By.cssSelector("#skipped tr:not(.none)"))) {
      assertThat(row.getText()).containsAnyOf("already-sent the ledger says it was sent since",
          "in-flight it is on its way again");
      skipped += Integer.parseInt(row.findElement(By.className("count")).getText());
    }
    assertThat(skipped).isEqualTo(2);
  }

  @Test
  @Order(7)
  void oneNotificationIsReplayedFromItsOwnPage() throws Exception {
    smtp.clear();
    open(rita, "rita", "/dead-letters?domain=example.com");
    navigate(rita, rita.findElement(By.cssSelector("#dead-letters tbody a")));
    rita.findElement(By.id("reason")).sendKeys("gone3 is back, INC-8");
    navigate(rita, rita.findElement(By.id("dry-run")));
    assertThat(rita.findElement(By.id("would-replay")).getText()).contains("1 of 1");
    navigate(rita, rita.findElement(By.id("replay-now")));
    assertThat(rita.findElement(By.id("done")).getText()).contains("1 of 1", "INC-8");
    smtp.awaitMessages(1, Duration.ofSeconds(60));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> smtp.messages().size() == 1);
    assertThat(smtp.messages().get(0).recipients()).containsExactly("gone3@example.com");
  }

  @Test
  @Order(8)
  void theAccountsPageShowsTheBreakerOpenWhileTheServerIsDownAndClosedAfterAndTheDelayTheMailWaited()
      throws Exception {
    open(vera, "vera", "/accounts");
    Await.until(Duration.ofSeconds(20), "account default listed",
        () -> !vera.findElements(By.cssSelector("tr.account[data-account='default'] .breaker")).isEmpty());
    assertThat(vera.findElement(By.cssSelector("tr.account[data-account='default'] .in-flight")).getText())
        .as("sends in flight, from the worker's notifier_sends_in_flight").isEqualTo("0");
    smtp.down();
    try (Publisher publisher = new Publisher(KafkaSettings.of(kafka.bootstrapServers()).clientProperties(), TOPICS)) {
      for (int i = 0; i < 4; i++) {
        publisher.publish(new BufferedReader(new StringReader(event("zt-bug-8-" + i, "ok"))), RecordKind.EVENTS, false);
      }
    }
    long published = System.nanoTime();
    // htmx refreshes the rows every 2 s: no reload
    Await.until(Duration.ofSeconds(60), "the breaker shown open", () -> breaker().equals("open"));
    shot(vera, "accounts-breaker-open");
    smtp.up();
    Duration waited = Duration.ofNanos(System.nanoTime() - published);
    Await.until(Duration.ofSeconds(60), "the breaker shown closed", () -> breaker().equals("closed"));
    // the four mails waited for the server at least as long as it was down since they were published; the page's
    // p99 over the last five minutes (fewer than 100 mails: their slowest) is a bucket bound at least that long
    Await.until(Duration.ofSeconds(60), "the delivery delay's p99 shown at least " + waited,
        () -> delayShown() >= waited.toMillis() / 1000.0);
    shot(vera, "accounts");
  }

  @Test
  @Order(9)
  void invalidEventsAreListedAndShownAndOnlyAReplayerRepublishesThemOnce() throws Exception {
    open(vera, "vera", "/invalid");
    assertThat(vera.findElement(By.id("matched")).getText()).contains("2 invalid event(s)");
    assertThat(facet(vera, "error")).isEqualTo(Map.of("missing-field", "1", "unknown-encoding", "1"));
    shot(vera, "invalid");
    navigate(vera, vera.findElement(By.cssSelector("#facet-error a[data-value='unknown-encoding']")));
    List<WebElement> rows = vera.findElements(By.cssSelector("#invalid tr.invalid-event"));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).findElement(By.className("preview")).getText()).isEqualTo("binary: 13 37 ff");

    open(vera, "vera", "/invalid?error=missing-field");
    navigate(vera, vera.findElement(By.cssSelector("#invalid tbody a")));
    assertThat(vera.findElement(By.id("error")).getText()).isEqualTo("missing-field");
    assertThat(vera.findElement(By.id("detail")).getText()).contains("'type'");
    assertThat(vera.findElement(By.id("headers")).getText()).contains("traceparent")
        .contains("00-0af7651916cd43dd8448eb211c80319c");
    assertThat(vera.findElement(By.id("value")).getText()).as("the event's markup shows as text").contains(MARKUP);
    assertThat(vera.findElements(By.cssSelector("#value script"))).isEmpty();
    assertThat(vera.findElements(By.id("republish-form"))).isEmpty();
    assertThat(vera.findElement(By.id("no-grant")).getText()).contains("replayer");
    open(vera, "vera", "/ledger");
    String veraCsrf = vera.findElement(By.cssSelector("#ledger-form input[name=csrf]")).getAttribute("value");
    long events = OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.events().name());
    HttpResponse<String> refused = post("vera", "vera-pw", "/invalid/republish",
        "at=" + invalidAt("garbage-1") + "&reason=x&csrf=" + veraCsrf);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("replayer role");
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.events().name())).isEqualTo(events);

    open(rita, "rita", "/invalid/event?at=" + invalidAt("garbage-1"));
    assertThat(rita.findElement(By.id("value")).getText()).isEqualTo("00000000  13 37 ff");
    rita.findElement(By.id("reason")).sendKeys("decoder fixed, INC-9");
    navigate(rita, rita.findElement(By.id("republish")));
    assertThat(rita.findElement(By.id("done")).getText()).contains("notifier.events", "console:rita",
        "decoder fixed, INC-9");
    shot(rita, "invalid-event");
    assertThat(audits()).filteredOn(a -> a.path("action").asText().equals("invalid.republish")).singleElement()
        .satisfies(a -> {
          assertThat(a.path("osUser").asText()).isEqualTo("console:rita");
          assertThat(a.path("key").asText()).isEqualTo("garbage-1");
        });
    rita.findElement(By.id("reason")).sendKeys("again");
    navigate(rita, rita.findElement(By.id("republish")));
    assertThat(rita.findElement(By.id("refused")).getText()).contains("republished from this record before");
    assertThat(audits()).filteredOn(a -> a.path("action").asText().equals("invalid.republish")).hasSize(1);
  }

  @Test
  @Order(10)
  void aReplayerRepublishesEveryEventOfAnErrorAfterADryRunAndNeverTheSameRecordTwice() throws Exception {
    // three more events without their type: four of missing-field in all
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.of(kafka.bootstrapServers())
        .clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 2; i <= 4; i++) {
        producer.send(new ProducerRecord<>(TOPICS.events().name(), "no-type-" + i, ("{\"eventId\":\"no-type-" + i
            + "\",\"source\":\"zentao\"}").getBytes(StandardCharsets.UTF_8)));
      }
    }
    Await.until(Duration.ofSeconds(60), "four events filed missing-field", () -> missingField() == 4);
    open(vera, "vera", "/invalid?error=missing-field");
    assertThat(vera.findElements(By.id("republish-all-form"))).isEmpty();
    assertThat(vera.findElement(By.id("no-grant")).getText()).contains("replayer");

    // the dry run: four would go back, nothing is written
    long events = OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.events().name());
    open(rita, "rita", "/invalid?error=missing-field");
    rita.findElement(By.id("reason")).sendKeys("type added upstream, INC-12");
    navigate(rita, rita.findElement(By.id("republish-all-dry-run")));
    assertThat(rita.findElement(By.id("would-republish")).getText()).isEqualTo("Would republish 4 of 4 event(s) with "
        + "this error.");
    assertThat(rita.findElement(By.id("already")).getText()).endsWith(": 0");
    shot(rita, "invalid-republish");
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.events().name())).isEqualTo(events);
    String csrf = rita.findElement(By.cssSelector("#republish-all-now-form input[name=csrf]")).getAttribute("value");
    HttpResponse<String> noReason = post("rita", "rita-pw", "/invalid/republish",
        "error=missing-field&mode=republish&reason=+&csrf=" + csrf);
    assertThat(noReason.body()).contains("say why");
    assertThat(OpsTestSupport.endOffsetSum(kafka.bootstrapServers(), TOPICS.events().name())).isEqualTo(events);

    // the republication: each of the four once, with rita and her reason in the audit
    navigate(rita, rita.findElement(By.id("republish-all-now")));
    assertThat(rita.findElement(By.id("done")).getText()).contains("Republished 4 of 4", "console:rita",
        "type added upstream, INC-12");
    assertThat(republishedEvents()).as("the events topic's republished records")
        .containsExactlyInAnyOrder("no-type-1", "no-type-2", "no-type-3", "no-type-4");
    assertThat(audits()).filteredOn(a -> a.path("action").asText().equals("invalid.republish")
            && a.path("error").asText().equals("missing-field"))
        .hasSize(4).allSatisfy(a -> assertThat(a.path("osUser").asText()).isEqualTo("console:rita"))
        .extracting(a -> a.path("key").asText()).containsExactlyInAnyOrder("no-type-1", "no-type-2", "no-type-3",
            "no-type-4");

    // still without their type they come back invalid; the same form again takes only those, never the four
    Await.until(Duration.ofSeconds(60), "the four back invalid", () -> missingField() == 8);
    open(rita, "rita", "/invalid?error=missing-field");
    rita.findElement(By.id("reason")).sendKeys("once more");
    navigate(rita, rita.findElement(By.id("republish-all-dry-run")));
    assertThat(rita.findElement(By.id("would-republish")).getText()).startsWith("Would republish 4 of 8");
    assertThat(rita.findElement(By.id("already")).getText()).contains(": 4");
  }

  /** By now the topology and the worker have worked off everything published above. */
  @Test
  @Order(11)
  void theBacklogPageShowsWhoOwnsWhatAndThatNothingWaits() throws Exception {
    open(vera, "vera", "/backlog");
    shot(vera, "backlog");
    assertThat(vera.findElement(By.cssSelector("#group-streams h2")).getText()).isEqualTo("Streams app console-it");
    assertThat(vera.findElement(By.cssSelector("#group-streams .state")).getText()).startsWith("1 member (");
    assertThat(vera.findElement(By.cssSelector("#group-streams tr.member .partitions")).getText())
        .contains("notifier.events 0-2");
    Await.until(Duration.ofSeconds(30), "nothing waiting in notifier.events and notifier.send", () -> {
      open(vera, "vera", "/backlog");
      return waiting("streams", TOPICS.events().name()).equals("0") && waiting("workers", TOPICS.send().name())
          .equals("0");
    });
    assertThat(vera.findElement(By.cssSelector("#group-workers h2")).getText())
        .isEqualTo("Workers " + WorkerSettings.DEFAULT_GROUP_ID);
    assertThat(vera.findElement(By.cssSelector("#group-workers tr.member .partitions")).getText())
        .contains("notifier.send 0-2");
  }

  @Test
  @Order(12)
  void everyPageFitsAPhoneWithoutScrollingSideways() throws Exception {
    phone = browser(true);
    open(phone, "rita", "/dead-letters");
    fitsThePhone("dead letters");
    shot(phone, "phone-dead-letters");
    navigate(phone, phone.findElement(By.cssSelector("#dead-letters tbody a")));
    fitsThePhone("one notification");
    shot(phone, "phone-notification");
    open(phone, "rita", "/dead-letters?class=DEAD_RECIPIENT");
    phone.findElement(By.id("reason")).sendKeys("phone");
    navigate(phone, phone.findElement(By.id("dry-run")));
    fitsThePhone("replay dry run");
    open(phone, "rita", "/ledger");
    phone.findElement(By.id("q")).sendKeys(EVENT);
    navigate(phone, phone.findElement(By.id("search")));
    fitsThePhone("ledger");
    open(phone, "rita", "/accounts");
    fitsThePhone("accounts");
    open(phone, "rita", "/invalid");
    fitsThePhone("invalid events");
    open(phone, "rita", "/invalid/event?at=" + invalidAt("no-type-1"));
    fitsThePhone("one invalid event");
    open(phone, "rita", "/backlog");
    fitsThePhone("backlog");
    open(phone, "rita", "/invalid?error=missing-field");
    phone.findElement(By.id("reason")).sendKeys("phone");
    navigate(phone, phone.findElement(By.id("republish-all-dry-run")));
    fitsThePhone("republish an error's events: dry run");
  }

  // --- fixtures -----------------------------------------------------------------------------

  /** The delivery delay p99 the accounts page shows for the default account, in seconds; 0 while none. */
  private static double delayShown() {
    String text;
    try {
      text = vera.findElement(By.cssSelector("tr.account[data-account='default'] .delay")).getText().strip();
    } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
      return 0;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[≤>] ([0-9.]+) (ms|s|min|h|d)").matcher(text);
    if (!m.matches()) {
      return 0;
    }
    double value = Double.parseDouble(m.group(1));
    return value * switch (m.group(2)) {
      case "ms" -> 0.001;
      case "s" -> 1;
      case "min" -> 60;
      case "h" -> 3600;
      default -> 86_400;
    };
  }

  private static String breaker() {
    try {
      return vera.findElement(By.cssSelector("tr.account[data-account='default'] .breaker")).getText().strip();
    } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
      return "";
    }
  }

  /**
   * The page is laid out for the phone's width (the viewport tag holds: no 980 px desktop layout) and
   * nothing makes the page wider than the screen; a wide table scrolls in its own box.
   */
  private static void fitsThePhone(String page) {
    @SuppressWarnings("unchecked")
    List<Long> widths = (List<Long>) ((JavascriptExecutor) phone).executeScript(
        "return [window.innerWidth, document.documentElement.scrollWidth];");
    assertThat(widths.get(1)).as(page + ": width of the page's content").isLessThanOrEqualTo(390L);
    assertThat(widths.get(0)).as(page + ": layout width").isEqualTo(390L);
  }

  /** The records of the invalid-events topic, as the console reads them. */
  private static List<InvalidEvent> invalidEvents() {
    return InvalidEvent.read(new TopicReader(KafkaSettings.of(kafka.bootstrapServers()).clientProperties(),
        Duration.ofSeconds(30), Clock.systemUTC()), TOPICS, InvalidFilter.any());
  }

  /** The backlog page's "waiting" of {@code topic} in the section of {@code group}; empty when it has no such row. */
  private static String waiting(String group, String topic) {
    List<WebElement> cells = vera.findElements(By.cssSelector("#group-" + group + " tr.topic[data-topic='" + topic
        + "'] .waiting"));
    return cells.isEmpty() ? "" : cells.get(0).getText();
  }

  /** The keys of the events topic's records that a republication wrote. */
  private static List<String> republishedEvents() {
    List<String> keys = new ArrayList<>();
    new TopicReader(KafkaSettings.of(kafka.bootstrapServers()).clientProperties(), Duration.ofSeconds(30),
        Clock.systemUTC()).read(TOPICS.events().name(), r -> {
          if (r.headers().lastHeader(Republisher.COUNT_HEADER) != null && r.key().startsWith("no-type-")) {
            keys.add(r.key());
          }
        });
    return keys;
  }

  private static long missingField() {
    return invalidEvents().stream().filter(e -> e.error().equals("missing-field")).count();
  }

  /** Where the first invalid event of record key {@code key} is, {@code partition:offset}. */
  private static String invalidAt(String key) {
    return invalidEvents().stream().filter(e -> key.equals(e.key())).findFirst().orElseThrow().position();
  }

  /** The audit topic's records, as JSON. */
  private static List<JsonNode> audits() {
    List<JsonNode> records = new ArrayList<>();
    new TopicReader(KafkaSettings.of(kafka.bootstrapServers()).clientProperties(), Duration.ofSeconds(30),
        Clock.systemUTC()).read(TOPICS.audit().name(), r -> {
          try {
            records.add(new ObjectMapper().readTree(r.value()));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    return records;
  }

  private static WebDriver browser() {
    return browser(false);
  }

  /** Headless Chromium at a laptop's window size, or as a phone 390 px wide. */
  private static WebDriver browser(boolean asPhone) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(Chromium.BROWSER.getPath());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
        "--lang=en");
    if (asPhone) {
      options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics", Map.of("width", 390, "height", 844,
          "pixelRatio", 2.0, "touch", true), "userAgent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
          + "(KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"));
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Chromium.DRIVER).usingAnyFreePort()
        .withEnvironment(ChildTemp.environment()) // the profile Chromium makes for itself, in the test's own temp
        .build();
    return new ChromeDriver(service, options);
  }

  /** Basic auth the way a person's browser does it once they logged in: credentials for the origin. */
  private static void open(WebDriver driver, String user, String path) {
    driver.get("http://" + user + ":" + user + "-pw@127.0.0.1:" + console.port() + path);
  }

  /**
   * Clicks what leads to another page and waits until that page has replaced this one: the old
   * document goes stale, the new one is loaded (a slow machine otherwise reads the old page's rows).
   */
  private static void navigate(WebDriver driver, WebElement element) {
    WebElement page = driver.findElement(By.tagName("html"));
    element.click();
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    wait.until(d -> gone(page));
    wait.until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
  }

  /**
   * Whether the element's document was replaced. Chromium says so as a stale element, or — when the
   * check meets the new document being built — as a node that "does not belong to the document".
   */
  private static boolean gone(WebElement element) {
    try {
      element.isEnabled();
      return false;
    } catch (StaleElementReferenceException e) {
      return true;
    } catch (WebDriverException e) {
      if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  private static List<WebElement> rows(WebDriver driver) {
    return driver.findElements(By.cssSelector("#dead-letters tr.dead-letter"));
  }

  private static List<String> recipients(WebDriver driver) {
    return rows(driver).stream().map(r -> r.findElements(By.tagName("td")).get(3).getText()).toList();
  }

  private static Map<String, String> facet(WebDriver driver, String name) {
    Map<String, String> counts = new LinkedHashMap<>();
    for (WebElement li : driver.findElements(By.cssSelector("#facet-" + name + " li"))) {
      counts.put(li.findElement(By.tagName("a")).getText(), li.findElement(By.className("count")).getText());
    }
    return counts;
  }

  private static HttpResponse<String> post(String user, String password, String form) throws Exception {
    return post(user, password, "/replay", form);
  }

  private static HttpResponse<String> post(String user, String password, String path, String form) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port()
            + path)).header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
            .getBytes(StandardCharsets.UTF_8))).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void shot(WebDriver driver, String name) throws Exception {
    File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(png.toPath(), SHOTS.resolve("console-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String event(String eventId, String... userIds) {
    StringBuilder to = new StringBuilder();
    for (String u : userIds) {
      to.append(to.length() == 0 ? "" : ",").append("{\"userId\":\"").append(u).append("\"}");
    }
    return "{\"eventId\":\"" + eventId + "\",\"type\":\"bug.assigned\",\"source\":\"zentao\",\"team\":\"qa\","
        + "\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
        + "\"subject\":{\"kind\":\"bug\",\"id\":\"7\",\"title\":\"Console <script>alert(1)</script>\"},"
        + "\"to\":[" + to + "],\"cc\":[]}";
  }

  private static String id(String address) {
    return NotificationIds.forAddress(EVENT, address, "bug");
  }
}
