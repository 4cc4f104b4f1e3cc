package dev.notifier.cli.ops.suppressions;

/**
 * Who changes a suppression by hand and why: the Kafka principal the cluster authenticates (and
 * authorizes to write the suppressions topic), the OS user beside it, and the operator's reason.
 */
record Changer(String principal, String osUser, String reason) {

  /** "User:ann (OS user ann)", as the output and the suppression's source show it. */
  String who() {
    return principal + " (OS user " + osUser + ")";
  }
}
