package dev.notifier.cli.publish;

/** What a file of JSON lines holds. */
public enum RecordKind {
  EVENTS, USERS, GROUPS
}
