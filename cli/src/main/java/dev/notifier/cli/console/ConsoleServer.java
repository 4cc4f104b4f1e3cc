package dev.notifier.cli.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Suppression;
import dev.notifier.cli.ops.KafkaPrincipal;
import dev.notifier.cli.ops.LedgerReader;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.ProgressBar;
import dev.notifier.cli.ops.StatusEntry;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.cli.ops.backlog.BacklogReader;
import dev.notifier.cli.ops.backlog.GroupBacklog;
import dev.notifier.cli.ops.dlt.DeadLetterEntry;
import dev.notifier.cli.ops.dlt.DltReader;
import dev.notifier.cli.ops.dlt.ReplayService;
import dev.notifier.cli.ops.dlt.Replayer;
import dev.notifier.cli.ops.invalid.InvalidEvent;
import dev.notifier.cli.ops.invalid.InvalidFilter;
import dev.notifier.cli.ops.invalid.InvalidRepublishCommand;
import dev.notifier.cli.ops.invalid.Republisher;
import dev.notifier.cli.ops.suppressions.SuppressionList;
import dev.notifier.cli.ops.suppressions.SuppressionView;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console: server-rendered pages over the same readers and the same replay code path as the
 * CLI. Every request is authenticated ({@link Access}); every POST carries the CSRF token of the page it
 * came from, and a replay needs the replayer role too. No address or secret is put in a URL
 * (ledger search by address is a POST) or a log line; responses are never cached and carry a
 * Content-Security-Policy that lets the pages load their own files only.
 */
public final class ConsoleServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; "
      + "base-uri 'none'";
  private static final String HTMX = "/META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Access access;
  private final Views views = new Views();
  private final KafkaSettings kafka;
  private final Topics topics;
  private final Clock clock;
  private final Duration readTimeout;
  private final AccountsScrape accounts;
  private final Function<String, String> fromOfAccount;
  private final Keyring integrity;

  private volatile String streamsApp = StreamsSettings.defaults().applicationId();
  private volatile String workerGroup = WorkerSettings.DEFAULT_GROUP_ID;

  private ConsoleServer(HttpServer server, ExecutorService executor, ConsoleSettings settings, KafkaSettings kafka,
      Topics topics, Function<String, String> fromOfAccount, Clock clock, Keyring integrity) {
    this.integrity = integrity;
    this.server = server;
    this.executor = executor;
    this.access = new Access(settings);
    this.kafka = kafka;
    this.topics = topics;
    this.clock = clock;
    this.readTimeout = Duration.ofSeconds(30);
    this.accounts = new AccountsScrape(settings.workers(), clock);
    this.fromOfAccount = fromOfAccount;
  }

  /**
   * Starts the console on {@code settings}' host and port, reading {@code kafka}'s cluster through the
   * catalogue {@code topics} (which says how the status and dead-letter topics' values are read).
   */
  public static ConsoleServer start(ConsoleSettings settings, KafkaSettings kafka, Topics topics,
      Function<String, String> fromOfAccount, Clock clock) {
    return start(settings, kafka, topics, fromOfAccount, clock, Keyring.off());
  }

  /** As above, signing replayed notifications with {@code integrity} when it signs (the config's integrity section). */
  public static ConsoleServer start(ConsoleSettings settings, KafkaSettings kafka, Topics topics,
      Function<String, String> fromOfAccount, Clock clock, Keyring integrity) {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
    } catch (IOException e) {
      throw new IllegalArgumentException("console: cannot listen on " + settings.host() + ":" + settings.port() + " ("
          + e.getMessage() + "): choose another console.port, or stop what uses it");
    }
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "notifier-console");
      t.setDaemon(true);
      return t;
    });
    ConsoleServer console = new ConsoleServer(http, executor, settings, kafka, topics, fromOfAccount, clock,
        integrity);
    http.createContext("/", console::handle);
    http.setExecutor(executor);
    http.start();
    return console;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    // the exchange is closed after the answer: a try-with-resources' own catch runs after the close, too late to
    // answer a refusal or a failure
    try (exchange) {
      answer(exchange);
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/static/htmx.min.js") || path.equals("/static/console.css")) {
        serveStatic(exchange, path);
        return;
      }
      Optional<ConsoleUser> user = access.user(exchange);
      if (user.isEmpty()) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"notifier console\", charset=\"UTF-8\"");
        send(exchange, 401, "text/plain", "log in to the notifier console");
        return;
      }
      Params params = Params.parse(exchange.getRequestURI().getRawQuery(), body(exchange));
      String lang = Views.language(params.get("lang"), exchange.getRequestHeaders().getFirst("Accept-Language"));
      route(exchange, path, user.get(), params, lang);
    } catch (IllegalArgumentException e) {
      send(exchange, 400, "text/plain", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("console: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
      send(exchange, 500, "text/plain", "the console could not answer: " + e.getMessage());
    }
  }

  private void route(HttpExchange exchange, String path, ConsoleUser user, Params params, String lang)
      throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("POST") && !path.equals("/replay") && !access.csrfValid(user, params.get("csrf"))) {
      // every POST carries the page's token; a replay says first whether the role is missing
      send(exchange, 403, "text/plain", "the request carries no valid CSRF token: use the console's own form");
      return;
    }
    switch (path) {
      case "/" -> redirect(exchange, "/dead-letters");
      case "/dead-letters" -> page(exchange, "dead-letters", user, lang, deadLetters(params, lang));
      case "/notification" -> page(exchange, "notification", user, lang, notification(params.get("id"), lang));
      case "/ledger" -> page(exchange, "ledger", user, lang, ledger(method.equals("POST") ? params.get("q") : null,
          lang));
      case "/invalid" -> page(exchange, "invalid", user, lang, InvalidPage.list(views, lang,
          each -> InvalidEvent.forEach(reader(), topics, each), params.get("error")));
      case "/invalid/event" -> page(exchange, "invalid-event", user, lang,
          InvalidPage.event(views, lang, invalidEvent(params.get("at"))));
      case "/invalid/republish" -> {
        if (!method.equals("POST")) {
          send(exchange, 405, "text/plain", "a republication is a POST from the invalid events' pages");
        } else if (!user.mayReplay()) {
          send(exchange, 403, "text/plain", "you may not republish: republishing needs the replayer role");
        } else if (params.get("at") != null) {
          page(exchange, "invalid-event", user, lang, republish(params.get("at"), params.get("reason"), user, lang));
        } else {
          page(exchange, "invalid-republish", user, lang, republishError(params, user, lang));
        }
      }
      case "/accounts" -> page(exchange, "accounts", user, lang, accounts(lang));
      case "/backlog" -> page(exchange, "backlog", user, lang, backlog(lang));
      case "/accounts/rows" -> page(exchange, "accounts-rows", user, lang, accounts(lang));
      case "/replay" -> {
        if (!method.equals("POST")) {
          send(exchange, 405, "text/plain", "a replay is a POST from the dead-letter page");
        } else if (!user.mayReplay()) {
          send(exchange, 403, "text/plain", "you may not replay: replaying needs the replayer role");
        } else if (!access.csrfValid(user, params.get("csrf"))) {
          send(exchange, 403, "text/plain", "the request carries no valid CSRF token: replay from the console's page");
        } else {
          page(exchange, "replay", user, lang, replay(params, user, lang));
        }
      }
      default -> send(exchange, 404, "text/plain", "no such page: " + path);
    }
  }

  private Map<String, Object> deadLetters(Params params, String lang) {
    DeadLetterSearch.Criteria criteria = DeadLettersPage.criteria(params, clock.instant());
    DeadLetterSearch.Page page = new DeadLetterSearch(new DltReader(reader(), topics)).search(criteria);
    return DeadLettersPage.model(views, lang, params, page);
  }

  private Map<String, Object> notification(String id, String lang) {
    if (id == null) {
      throw new IllegalArgumentException("which notification? /notification?id=ID");
    }
    List<StatusEntry> history = new LedgerReader(reader(), topics).history(s -> id.equals(s.getNotificationId()));
    List<DeadLetterEntry> letters = new DltReader(reader(), topics).read(e -> id.equals(e.notificationId())).entries();
    return NotificationPage.model(views, lang, id, history, letters, fromOfAccount);
  }

  private Map<String, Object> ledger(String q, String lang) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pageTitle", views.text(lang, "ledger.heading"));
    m.put("q", q == null ? "" : q);
    if (q != null) {
      String needle = q.toLowerCase(Locale.ROOT);
      Map<String, StatusEntry> latest = new LedgerReader(reader(), topics).latest((DeliveryStatus s) ->
          q.equals(s.getNotificationId()) || q.equals(s.getEventId())
              || s.getEmail() != null && s.getEmail().toLowerCase(Locale.ROOT).equals(needle));
      List<Map<String, Object>> rows = new ArrayList<>();
      latest.values().forEach(e -> {
        DeliveryStatus s = e.status();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", Params.encode(s.getNotificationId()));
        r.put("recipient", e.recipient());
        r.put("state", s.getState().name());
        r.put("reason", s.getReason() == null ? "" : s.getReason());
        r.put("at", String.valueOf(s.getAt()));
        r.put("eventType", s.getEventType());
        r.put("detail", s.getDetail() == null ? "" : s.getDetail());
        rows.add(r);
      });
      m.put("searched", true);
      m.put("none", rows.isEmpty());
      m.put("rows", rows);
      if (q.contains("@")) {
        m.put("suppression", suppression(q, lang));
      }
    }
    return m;
  }

  /** The address's suppression, as {@code notifier suppressions show} says it. */
  private String suppression(String address, String lang) {
    Optional<Suppression> s = SuppressionList.read(reader(), topics).of(NotificationIds.normalize(address));
    return views.text(lang, "ledger.suppression", s.map(v -> SuppressionView.sentence(v, clock.instant()))
        .orElse(views.text(lang, "ledger.notSuppressed")));
  }

  private Map<String, Object> accounts(String lang) {
    AccountsScrape.State state = accounts.read();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pageTitle", views.text(lang, "acc.heading"));
    m.put("none", state.accounts().isEmpty() && state.unreachable().isEmpty());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (AccountsScrape.Account a : state.accounts()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", a.id());
      r.put("breaker", a.breaker());
      r.put("tokens", String.format(Locale.ROOT, "%.1f", a.tokens()));
      r.put("quota", String.format(Locale.ROOT, "%.0f %%", a.quotaUsed() * 100));
      r.put("inFlight", String.format(Locale.ROOT, "%.0f", a.inFlight()));
      r.put("sent", String.format(Locale.ROOT, "%.1f", a.sentPerSecond()));
      r.put("retried", String.format(Locale.ROOT, "%.1f", a.retriedPerSecond()));
      r.put("dead", String.format(Locale.ROOT, "%.1f", a.deadPerSecond()));
      r.put("totals", String.format(Locale.ROOT, "%.0f / %.0f", a.sent(), a.dead()));
      r.put("delay", a.delayP99() == null ? "–" : DelayWindow.bound(a.delayP99()));
      rows.add(r);
    }
    m.put("accounts", rows);
    if (!state.unreachable().isEmpty()) {
      m.put("unreachable", views.text(lang, "acc.unreachable", String.join(", ", state.unreachable())));
    }
    m.put("updated", views.text(lang, "acc.updated", state.at().toString()));
    return m;
  }

  /** The replay, dry run or real, through {@link ReplayService} — the same checks, plan and audit as the CLI's. */
  private Map<String, Object> replay(Params params, ConsoleUser user, String lang) {
    DeadLetterSearch.Criteria criteria = DeadLettersPage.criteria(params, clock.instant());
    Double rate = params.get("rate") == null ? null : Double.valueOf(params.get("rate"));
    ReplayService.Request request = new ReplayService.Request(criteria.filter(), false,
        params.get("reason"), rate, ReplayService.DEFAULT_MAX_REPLAYS, false);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pageTitle", views.text(lang, "replay.heading"));
    List<Map<String, String>> hidden = new ArrayList<>();
    for (String f : DeadLettersPage.REPLAY_FIELDS) {
      if (params.get(f) != null) {
        hidden.add(Map.of("name", f, "value", params.get(f)));
      }
    }
    hidden.add(Map.of("name", "reason", "value", params.get("reason") == null ? "" : params.get("reason")));
    hidden.add(Map.of("name", "rate", "value", params.get("rate") == null ? "" : params.get("rate")));
    m.put("hidden", hidden);
    m.put("csrf", access.csrfToken(user));
    m.put("back", params.get("id") == null ? "/dead-letters" : "/notification?id=" + Params.encode(params.get("id")));
    ReplayService service = new ReplayService(kafka.clientProperties(), topics, reader(), clock, integrity);
    ReplayService.Planned planned;
    try {
      planned = service.plan(request);
    } catch (OpsException e) {
      m.put("refused", views.text(lang, "replay.refused", e.getMessage()));
      return m;
    }
    if (!"replay".equals(params.get("mode"))) {
      m.putAll(ReplayPage.dryRun(views, lang, planned.plan(), planned.matched().size()));
      return m;
    }
    Replayer.Provenance provenance = new Replayer.Provenance(KafkaPrincipal.of(kafka.clientProperties()),
        "console:" + user.name(), params.get("reason"));
    StringWriter ignored = new StringWriter();
    int written = service.replay(planned, provenance, new ProgressBar(new PrintWriter(ignored), false, "replaying",
        planned.plan().toReplay().size()));
    m.put("done", views.text(lang, "replay.done", written, planned.matched().size(), provenance.who(),
        provenance.reason()));
    return m;
  }

  /** The invalid event at {@code at} ({@code partition:offset}). */
  private InvalidEvent invalidEvent(String at) {
    return InvalidEvent.read(reader(), topics, InvalidFilter.at(at)).stream().findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no invalid event at " + at));
  }

  /**
   * One invalid event republished through {@link Republisher}, as {@code notifier invalid republish --at} does it:
   * the same plan (never a record twice, quarantined after {@value InvalidRepublishCommand#DEFAULT_MAX_REPUBLISH}),
   * the same headers and audit record, the console user recorded beside the console's Kafka principal.
   */
  private Map<String, Object> republish(String at, String reason, ConsoleUser user, String lang) {
    InvalidEvent event = invalidEvent(at);
    Map<String, Object> m = new LinkedHashMap<>(InvalidPage.event(views, lang, event));
    if (reason == null || reason.isBlank()) {
      m.put("refused", views.text(lang, "inv.reasonRequired"));
      return m;
    }
    Republisher republisher = new Republisher(kafka.clientProperties(), topics, clock);
    Republisher.Plan plan = republisher.plan(List.of(event), reader(), InvalidRepublishCommand.DEFAULT_MAX_REPUBLISH,
        false);
    if (!plan.alreadyRepublished().isEmpty()) {
      m.put("refused", views.text(lang, "inv.already"));
    } else if (!plan.quarantined().isEmpty()) {
      m.put("refused", views.text(lang, "inv.quarantined", event.republished()));
    } else {
      Replayer.Provenance provenance = new Replayer.Provenance(KafkaPrincipal.of(kafka.clientProperties()),
          "console:" + user.name(), reason.strip());
      republisher.republish(plan, provenance, false);
      m.put("done", views.text(lang, "inv.done", topics.events().name(), provenance.who(), provenance.reason()));
    }
    return m;
  }

  /**
   * Every invalid event of one error republished through {@link Republisher}, as {@code notifier invalid republish
   * --error} does it: a dry run unless {@code mode=republish}, then at most {@value InvalidRepublishPage#AT_ONCE} of
   * them, the oldest first.
   */
  private Map<String, Object> republishError(Params params, ConsoleUser user, String lang) {
    String error = params.get("error");
    if (error == null || error.isBlank()) {
      throw new IllegalArgumentException("republish which events? an invalid event's position (at) or an error");
    }
    String reason = params.get("reason") == null ? null : params.get("reason").strip();
    Map<String, Object> m = InvalidRepublishPage.base(views, lang, error, reason);
    if (reason == null || reason.isEmpty()) {
      m.put("refused", views.text(lang, "inv.reasonRequired"));
      return m;
    }
    List<InvalidEvent> matched = InvalidEvent.read(reader(), topics,
        new InvalidFilter(Set.of(error), Set.of(), Set.of(), null, null));
    Republisher republisher = new Republisher(kafka.clientProperties(), topics, clock);
    Republisher.Plan plan = republisher.plan(matched, reader(), InvalidRepublishCommand.DEFAULT_MAX_REPUBLISH, false);
    if (!"republish".equals(params.get("mode"))) {
      m.putAll(InvalidRepublishPage.dryRun(views, lang, plan, matched.size()));
      return m;
    }
    Replayer.Provenance provenance = new Replayer.Provenance(KafkaPrincipal.of(kafka.clientProperties()),
        "console:" + user.name(), reason);
    int written = republisher.republish(InvalidRepublishPage.atOnce(plan, InvalidRepublishPage.AT_ONCE), provenance,
        false);
    m.putAll(InvalidRepublishPage.done(views, lang, plan, written, matched.size(), topics.events().name(),
        provenance.who(), provenance.reason()));
    return m;
  }

  /**
   * The groups the backlog page reads: the streams app's application id and the workers' group (the config's, by
   * {@code notifier console}; Kafka Streams' and the workers' defaults otherwise).
   */
  public ConsoleServer groups(String streamsApp, String workerGroup) {
    this.streamsApp = streamsApp;
    this.workerGroup = workerGroup;
    return this;
  }

  private Map<String, Object> backlog(String lang) {
    Instant now = clock.instant();
    try (BacklogReader reader = new BacklogReader(kafka.clientProperties(), Duration.ofSeconds(5))) {
      List<GroupBacklog> groups = List.of(reader.read(GroupBacklog.Role.STREAMS_APP, streamsApp),
          reader.read(GroupBacklog.Role.WORKERS, workerGroup));
      return BacklogPage.model(views, lang, groups, BacklogReader.waitingByDesign(topics), now);
    } catch (KafkaException e) {
      if (!(e instanceof AuthorizationException) && !(e.getCause() instanceof AuthorizationException)) {
        throw e;
      }
      Map<String, Object> m = BacklogPage.model(views, lang, List.of(), Set.of(), now);
      m.put("refused", views.text(lang, "backlog.refused", e.getMessage()));
      return m;
    } catch (OpsException e) {
      Map<String, Object> m = BacklogPage.model(views, lang, List.of(), Set.of(), now);
      m.put("refused", e.getMessage());
      return m;
    }
  }

  private TopicReader reader() {
    return new TopicReader(kafka.clientProperties(), readTimeout, clock);
  }

  private void page(HttpExchange exchange, String template, ConsoleUser user, String lang, Map<String, Object> model)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>(model);
    m.put("user", user.name());
    m.put("roleName", views.text(lang, user.mayReplay() ? "role.replayer" : "role.viewer"));
    m.put("mayReplay", user.mayReplay());
    m.putIfAbsent("csrf", access.csrfToken(user));
    send(exchange, 200, "text/html", views.render(template, lang, m));
  }

  private static String body(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      return null;
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(Params.MAX_BODY + 1);
      if (bytes.length > Params.MAX_BODY) {
        throw new IllegalArgumentException("the form is larger than " + Params.MAX_BODY + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static void serveStatic(HttpExchange exchange, String path) throws IOException {
    String resource = path.endsWith(".js") ? HTMX : "/console/static/console.css";
    try (InputStream in = ConsoleServer.class.getResourceAsStream(resource)) {
      if (in == null) {
        send(exchange, 404, "text/plain", "missing " + resource);
        return;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      exchange.getResponseHeaders().add("Cache-Control", "max-age=3600");
      reply(exchange, 200, path.endsWith(".js") ? "text/javascript" : "text/css", bytes.toByteArray());
    }
  }

  private static void redirect(HttpExchange exchange, String to) throws IOException {
    exchange.getResponseHeaders().add("Location", to);
    exchange.sendResponseHeaders(302, -1);
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    reply(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", type + "; charset=utf-8");
    exchange.getResponseHeaders().add("Content-Security-Policy", CSP);
    exchange.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().add("Referrer-Policy", "no-referrer");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
