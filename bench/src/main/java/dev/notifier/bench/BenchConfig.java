package dev.notifier.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one {@code bench/run} measures and how big: counts, per-run time caps, throttle and latency
 * windows. {@link #defaults()} fits a full run in about 25 to 30 minutes on 2 cores (every run stops at
 * its cap, whatever the machine); {@link #quickDefaults()} is a smoke run of a few minutes.
 *
 * @param events events in the topology's input (fan-out 3 through a group): each run takes what it
 *     gets through in its measuring window, so enough for the fastest variant
 * @param notifications notifications per delivery run (about 2 KB each)
 * @param partitions partitions of every benchmark topic
 * @param topologyCap the longest one topology run may take; its rate is taken over what finished
 * @param deliveryCap the longest one delivery run may take (its rate is taken over what it sent)
 * @param throttleRate the throttled account's messages per second (R)
 * @param throttleBurst the throttled account's burst (B)
 * @param throttleWindow how long the throttle is measured
 * @param latencyWindow how long events flow at half the maximum rate
 * @param sink which SMTP sink to use: auto (smtp-sink if installed), postfix, testkit
 * @param out where the report is written
 * @param repetitions how often each variant of the throughput and latency scenarios runs (interleaved); the
 *     report takes the median
 */
public record BenchConfig(List<String> scenarios, boolean quick, int events, int notifications, int partitions,
    Duration topologyCap, Duration deliveryCap, double throttleRate, int throttleBurst, Duration throttleWindow,
    Duration latencyWindow, String sink, Path out, int repetitions) {

  /** The scenarios a run without names runs. */
  public static final List<String> ALL = List.of("topology", "delivery", "throttle", "latency", "memory");
  /**
   * Every scenario a run may name: {@link #ALL}, the latency scenario with the topology and the
   * worker in JVMs of their own, its light load alone (which the latency scenario ends with), the same-shape
   * app with each of its parts left out in turn, and a quota worker's start on a day of usage.
   */
  public static final List<String> NAMED = List.of("topology", "delivery", "throttle", "latency", "memory",
      "latency-deployed", "latency-light", "topology-shape", "quota-start");

  public static BenchConfig defaults() {
    return new BenchConfig(ALL, false, 600_000, 50_000, 4, Duration.ofSeconds(30), Duration.ofSeconds(6), 50, 10,
        Duration.ofSeconds(20), Duration.ofSeconds(20), "auto", Path.of("bench/results"), 3);
  }

  public static BenchConfig quickDefaults() {
    return new BenchConfig(ALL, true, 20_000, 2_000, 4, Duration.ofSeconds(8), Duration.ofSeconds(3), 50, 10,
        Duration.ofSeconds(5), Duration.ofSeconds(5), "auto", Path.of("bench/results"), 3);
  }

  public BenchConfig withScenarios(List<String> names) {
    return new BenchConfig(names, quick, events, notifications, partitions, topologyCap, deliveryCap, throttleRate,
        throttleBurst, throttleWindow, latencyWindow, sink, out, repetitions);
  }

  public BenchConfig withEvents(int n) {
    return new BenchConfig(scenarios, quick, n, notifications, partitions, topologyCap, deliveryCap, throttleRate,
        throttleBurst, throttleWindow, latencyWindow, sink, out, repetitions);
  }

  public BenchConfig withNotifications(int m) {
    return new BenchConfig(scenarios, quick, events, m, partitions, topologyCap, deliveryCap, throttleRate,
        throttleBurst, throttleWindow, latencyWindow, sink, out, repetitions);
  }

  public BenchConfig withSink(String mode) {
    return new BenchConfig(scenarios, quick, events, notifications, partitions, topologyCap, deliveryCap, throttleRate,
        throttleBurst, throttleWindow, latencyWindow, mode, out, repetitions);
  }

  public BenchConfig withOut(Path dir) {
    return new BenchConfig(scenarios, quick, events, notifications, partitions, topologyCap, deliveryCap, throttleRate,
        throttleBurst, throttleWindow, latencyWindow, sink, dir, repetitions);
  }

  public BenchConfig withCaps(Duration topology, Duration delivery) {
    return new BenchConfig(scenarios, quick, events, notifications, partitions, topology, delivery, throttleRate,
        throttleBurst, throttleWindow, latencyWindow, sink, out, repetitions);
  }

  public BenchConfig withRepetitions(int n) {
    return new BenchConfig(scenarios, quick, events, notifications, partitions, topologyCap, deliveryCap, throttleRate,
        throttleBurst, throttleWindow, latencyWindow, sink, out, n);
  }

  public BenchConfig withThrottle(double rate, int burst) {
    return new BenchConfig(scenarios, quick, events, notifications, partitions, topologyCap, deliveryCap, rate, burst,
        throttleWindow, latencyWindow, sink, out, repetitions);
  }
}
