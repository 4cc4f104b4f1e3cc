#!/bin/sh
# Publishes one domain event to notifier.events as JSON with kcat (Debian: apt-get install kcat).
# The key (before the '|') is the event id.
#   ./produce_json.sh 127.0.0.1:9092 zt-bug-42-assign-1
set -eu
BOOTSTRAP=${1:?usage: produce_json.sh BOOTSTRAP_SERVER EVENT_ID [TOPIC]}
EVENT_ID=${2:?usage: produce_json.sh BOOTSTRAP_SERVER EVENT_ID [TOPIC]}
TOPIC=${3:-notifier.events}
printf '%s|{"eventId":"%s","type":"bug.assigned","source":"kcat","team":"qa","occurredAt":"2026-11-21T10:00:00Z","actor":{"userId":"carol"},"subject":{"kind":"bug","id":"42","title":"Login fails on Safari"},"to":[{"userId":"alice"}]}\n' \
  "$EVENT_ID" "$EVENT_ID" | kcat -P -b "$BOOTSTRAP" -t "$TOPIC" -K '|'
echo "published $EVENT_ID"
