package dev.notifier.cli.management;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A GET against a management endpoint, and the samples of a Prometheus text scrape. */
final class Scrape {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample: metric name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {
  }

  private Scrape() {
  }

  static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return send(port, path, "GET");
  }

  static HttpResponse<String> send(int port, String path, String method) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Every sample of a scrape, in order. */
  static java.util.List<Sample> samples(String text) {
    java.util.List<Sample> samples = new java.util.ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      int brace = series.indexOf('{');
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0) {
        Matcher m = LABEL.matcher(series.substring(brace));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      }
      samples.add(new Sample(brace >= 0 ? series.substring(0, brace) : series, labels, value));
    }
    return samples;
  }

  /** The values of {@code name} by the value of one label. */
  static Map<String, Double> byLabel(String text, String name, String label) {
    Map<String, Double> values = new java.util.TreeMap<>();
    for (Sample s : samples(text)) {
      if (s.name().equals(name)) {
        values.merge(s.labels().get(label), s.value(), Double::sum);
      }
    }
    return values;
  }

  /** The sum of every sample of {@code name}. */
  static double total(String text, String name) {
    return samples(text).stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).sum();
  }
}
