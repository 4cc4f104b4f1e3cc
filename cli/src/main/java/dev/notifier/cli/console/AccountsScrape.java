package dev.notifier.cli.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each account's live state, read from the workers' management endpoints ({@code /metrics},
 * Prometheus text): breaker state, tokens in the bucket, quota used, sends in flight, sent / retried / dead per
 * second over the time since the previous read, and the delivery delay's p99 over the last minutes
 * ({@link DelayWindow}). A worker that does not answer is listed as such.
 */
final class AccountsScrape {

  private static final Pattern LINE = Pattern.compile("^(notifier_[a-z_]+)\\{([^}]*)}\\s+(\\S+)");
  private static final Pattern TAG = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final String DELAY_BUCKET = "notifier_delivery_delay_seconds_bucket";

  /**
   * One account as the workers report it (summed over workers; the breaker shown is the worst); {@code delayP99} is
   * the upper bound in seconds of the bucket holding the p99 of its delivery delay over {@link DelayWindow#WINDOW},
   * null when it sent nothing in it.
   */
  record Account(String id, String breaker, double tokens, double quotaUsed, double inFlight, double sentPerSecond,
      double retriedPerSecond, double deadPerSecond, double sent, double dead, Double delayP99) {
  }

  /** The accounts and the workers that did not answer. */
  record State(List<Account> accounts, List<String> unreachable, Instant at) {
  }

  private final List<String> workers;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Clock clock;
  private final Map<String, double[]> previous = new ConcurrentHashMap<>();
  private final DelayWindow delays = new DelayWindow();
  private volatile Instant previousAt;

  AccountsScrape(List<String> workers, Clock clock) {
    this.workers = workers;
    this.clock = clock;
  }

  synchronized State read() {
    Map<String, Map<String, Double>> byAccount = new TreeMap<>();
    Map<String, String> breakers = new TreeMap<>();
    List<String> unreachable = new ArrayList<>();
    Map<String, Map<String, NavigableMap<Double, Double>>> delayBuckets = new TreeMap<>();
    for (String worker : workers) {
      String text = fetch(worker);
      if (text == null) {
        unreachable.add(worker);
        continue;
      }
      Map<String, NavigableMap<Double, Double>> buckets = delayBuckets.computeIfAbsent(worker, w -> new TreeMap<>());
      text.lines().forEach(line -> parse(line, byAccount, breakers, buckets));
    }
    Instant now = clock.instant();
    Map<String, Double> p99 = delays.p99(now, new DelayWindow.Buckets(delayBuckets));
    double seconds = previousAt == null ? 0 : Math.max(0.001, Duration.between(previousAt, now).toMillis() / 1000.0);
    List<Account> accounts = new ArrayList<>();
    byAccount.forEach((id, m) -> {
      double sent = m.getOrDefault("sent", 0.0);
      double retry = m.getOrDefault("retry", 0.0);
      double dead = m.getOrDefault("dead", 0.0);
      double[] before = previous.put(id, new double[] {sent, retry, dead});
      accounts.add(new Account(id, breakers.getOrDefault(id, "?"), m.getOrDefault("tokens", 0.0),
          m.getOrDefault("quota", 0.0), m.getOrDefault("inFlight", 0.0), rate(sent, before, 0, seconds), rate(retry, before, 1, seconds),
          rate(dead, before, 2, seconds), sent, dead, p99.get(id)));
    });
    previousAt = now;
    return new State(accounts, unreachable, now);
  }

  private static double rate(double now, double[] before, int i, double seconds) {
    return before == null || seconds == 0 ? 0 : Math.max(0, now - before[i]) / seconds;
  }

  private static void parse(String line, Map<String, Map<String, Double>> byAccount, Map<String, String> breakers,
      Map<String, NavigableMap<Double, Double>> delayBuckets) {
    Matcher m = LINE.matcher(line);
    if (!m.find()) {
      return;
    }
    Map<String, String> tags = new TreeMap<>();
    Matcher t = TAG.matcher(m.group(2));
    while (t.find()) {
      tags.put(t.group(1), t.group(2));
    }
    String account = tags.get("account");
    if (account == null) {
      return;
    }
    double value;
    try {
      value = Double.parseDouble(m.group(3));
    } catch (NumberFormatException e) {
      return;
    }
    Map<String, Double> a = byAccount.computeIfAbsent(account, k -> new TreeMap<>());
    switch (m.group(1)) {
      case "notifier_breaker_state" -> {
        if (value >= 1) {
          breakers.merge(account, tags.getOrDefault("state", "?"), AccountsScrape::worse);
        }
      }
      case "notifier_throttle_tokens_available" -> a.merge("tokens", value, Double::sum);
      case "notifier_throttle_quota_used_ratio" -> a.merge("quota", value, Math::max);
      case "notifier_sends_in_flight" -> a.merge("inFlight", value, Double::sum);
      case "notifier_sends_total" -> a.merge(tags.getOrDefault("outcome", "?"), value, Double::sum);
      case DELAY_BUCKET -> {
        String le = tags.getOrDefault("le", "");
        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : parseOrNaN(le);
        if (!Double.isNaN(bound)) {
          // summed over the priorities
          delayBuckets.computeIfAbsent(account, k -> new TreeMap<>()).merge(bound, value, Double::sum);
        }
      }
      default -> { }
    }
  }

  private static double parseOrNaN(String number) {
    try {
      return Double.parseDouble(number);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String worse(String a, String b) {
    return a.equals("open") || b.equals("open") ? "open" : a.equals("half_open") || b.equals("half_open") ? "half_open"
        : a;
  }

  private String fetch(String worker) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(worker.replaceAll("/+$", "")
          + "/metrics")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (java.io.IOException | IllegalArgumentException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
