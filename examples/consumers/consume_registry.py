#!/usr/bin/env python3
"""Reads the notifier's delivery ledger (notifier.status), its dead letters (notifier.send.dlt) or
the notifications it sends (notifier.send) with Confluent's AvroDeserializer.

Debian: apt-get install python3-confluent-kafka python3-requests (and the fastavro wheel)
The notifier writes the send, status and dead-letter topics in the registry's wire format when its
config says streams.schemaRegistry.outputs: registry; the deserializer then fetches the writer schema by
the id each record carries (subjects notifier.send-value, notifier.status-value, notifier.send.dlt-value)
and needs no schema file. The retry and wait tiers (notifier.send.retry.N, notifier.send.wait.*) are
the workers' own and stay in Avro single-object encoding.

  python3 consume_registry.py --bootstrap-server 127.0.0.1:9092 --registry http://127.0.0.1:8081
  python3 consume_registry.py ... --topic notifier.send.dlt
  python3 consume_registry.py ... --topic notifier.send

Prints one line per record, from the beginning of the topic, until --idle seconds pass without one once
the consumer has its partitions (a group's first join can take seconds: the broker's
group.initial.rebalance.delay.ms is 3 s by default, and that wait does not count as idle):
  <key> state=<state> event=<eventId> reason=<reason>                 (a status)
  <key> class=<failureClass> kind=<kind> code=<replyCode> to=<recipient> event=<eventId>   (a dead letter)
  <key> to=<recipient> template=<template> account=<account> event=<eventId>          (a notification)
A record not in the registry's wire format (written by a part of the notifier that writes Avro
single-object encoding) is printed as "<key> not-registry-format". Exits 0; exits 1 naming the broker when
the group has not been given the topic's partitions within --join-timeout seconds (60).
"""
import argparse
import time
import uuid

from confluent_kafka import Consumer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext


def describe(record):
    """A status, a dead letter or a notification, in one line."""
    if "recipient" in record:
        return "to=%s template=%s account=%s event=%s" % (
            record["recipient"]["email"], record["template"], record["account"], record["eventId"])
    if "state" in record:
        return "state=%s event=%s reason=%s" % (record["state"], record["eventId"], record.get("reason"))
    notification = record.get("notification") or {}
    return "class=%s kind=%s code=%s to=%s event=%s" % (
        record["failureClass"], record.get("kind"), record.get("replyCode"),
        (notification.get("recipient") or {}).get("email"), notification.get("eventId"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bootstrap-server", required=True)
    p.add_argument("--registry", required=True)
    p.add_argument("--topic", default="notifier.status")
    p.add_argument("--idle", type=float, default=5.0)
    p.add_argument("--join-timeout", type=float, default=60.0)
    a = p.parse_args()
    deserialize = AvroDeserializer(SchemaRegistryClient({"url": a.registry}))
    consumer = Consumer({
        "bootstrap.servers": a.bootstrap_server, "group.id": "consume-registry-" + uuid.uuid4().hex,
        "auto.offset.reset": "earliest", "enable.auto.commit": False,
        # the ledger is written in transactions: read what committed
        "isolation.level": "read_committed",
    })
    started, last = time.monotonic(), None

    def on_assign(c, partitions):
        nonlocal last
        if last is None:
            last = time.monotonic()

    consumer.subscribe([a.topic], on_assign=on_assign)
    try:
        while last is None or time.monotonic() - last < a.idle:
            msg = consumer.poll(0.2)
            if last is None and time.monotonic() - started > a.join_timeout:
                raise SystemExit("no partitions of %s were assigned within %.0f s (--join-timeout): is the broker at %s"
                                 " reachable?" % (a.topic, a.join_timeout, a.bootstrap_server))
            if msg is None:
                continue
            if msg.error():
                raise SystemExit("consumer error: %s" % msg.error())
            last = time.monotonic()
            key = msg.key().decode("utf-8") if msg.key() else ""
            value = msg.value()
            if value is None:
                continue
            if value[:1] != b"\x00":
                print(key, "not-registry-format", flush=True)
                continue
            record = deserialize(value, SerializationContext(a.topic, MessageField.VALUE))
            print(key, describe(record), flush=True)
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
