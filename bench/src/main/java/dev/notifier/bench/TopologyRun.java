package dev.notifier.bench;

/**
 * One topology variant's result.
 *
 * @param name what ran (the notifier topology, a baseline)
 * @param guarantee exactly_once_v2 or at_least_once
 * @param progress events consumed and committed
 * @param fanOut notifications (output records) per event
 * @param appCpuNanos CPU time of the application's own threads (broker excluded)
 * @param processCpuNanos CPU time of the whole process over the run (the embedded broker included)
 * @param verified output records counted in the output topic, or -1 when not counted
 * @param window CPU spent within the measured window, by whose threads spent it
 */
record TopologyRun(String name, String guarantee, BenchKafka.Progress progress, int fanOut, long appCpuNanos,
    long processCpuNanos, long verified, CpuSplit.Delta window, CommitCost commits) {

  double eventsPerSecond() {
    return progress.rate();
  }

  double notificationsPerSecond() {
    return progress.rate() * fanOut;
  }

  /** Application CPU milliseconds per event. */
  double appCpuMillisPerEvent() {
    return progress.done() == 0 ? Double.NaN : appCpuNanos / 1e6 / progress.done();
  }

  double processCpuMillisPerEvent() {
    return progress.done() == 0 ? Double.NaN : processCpuNanos / 1e6 / progress.done();
  }

  /** CPU milliseconds per event finished within the measured window, of the threads {@code part} picks. */
  double windowMillisPerEvent(java.util.function.ToLongFunction<CpuSplit.Delta> part) {
    long events = progress.inWindow();
    return events <= 0 ? Double.NaN : part.applyAsLong(window) / 1e6 / events;
  }
}
