package dev.notifier.bench;

/**
 * One delivery run's result.
 *
 * @param name the product configuration or baseline
 * @param connections SMTP connections open at once (all workers together)
 * @param sent messages the server accepted within the cap
 * @param target messages asked for
 * @param rate messages per second
 * @param cpuNanos CPU time of the process over the run (-1 for a child process)
 */
record DeliveryRun(String name, int connections, long sent, long target, double rate, long cpuNanos) {

  String completion() {
    return sent >= target ? String.valueOf(sent) : sent + " of " + target + " (capped)";
  }
}
