#!/usr/bin/env python3
"""Publishes one domain event to notifier.events in Avro single-object encoding.

Debian: apt-get install python3-avro python3-confluent-kafka
Schema: notifier schemas --avsc DomainEvent > DomainEvent.avsc

  python3 produce_avro.py --bootstrap-server 127.0.0.1:9092 --schema DomainEvent.avsc \
      --event-id zt-bug-42-assign-1 --type bug.assigned --actor carol --to alice

The record's key is the event id (so a re-delivered event reaches the same dedup store).
Single-object encoding: the marker C3 01, the schema's CRC-64-AVRO fingerprint (little-endian),
then the binary datum. Avro for Python 1.11 fingerprints its own canonical form, which keeps a
logical type's wrapping object; the notifier accepts that fingerprint as well as the spec's.
"""
import argparse
import datetime
import io
import struct

import avro.io
import avro.schema
from confluent_kafka import Producer

EMPTY = 0xC15D213AA4D7A795


def crc64_avro(data: bytes) -> int:
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (EMPTY & -(fp & 1))
        table.append(fp)
    fp = EMPTY
    for b in data:
        fp = (fp >> 8) ^ table[(fp ^ b) & 0xFF]
    return fp


def single_object(schema, datum) -> bytes:
    body = io.BytesIO()
    avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(body))
    fingerprint = crc64_avro(schema.canonical_form.encode("utf-8"))
    return b"\xc3\x01" + struct.pack("<Q", fingerprint) + body.getvalue()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bootstrap-server", required=True)
    p.add_argument("--topic", default="notifier.events")
    p.add_argument("--schema", required=True)
    p.add_argument("--event-id", required=True)
    p.add_argument("--type", required=True)
    p.add_argument("--actor", required=True)
    p.add_argument("--to", required=True)
    a = p.parse_args()
    with open(a.schema, encoding="utf-8") as f:
        schema = avro.schema.parse(f.read())
    event = {
        "eventId": a.event_id, "type": a.type, "source": "python", "team": None,
        "occurredAt": datetime.datetime.now(datetime.timezone.utc),
        "actor": {"userId": a.actor, "groupId": None, "email": None, "name": None},
        "subject": {"kind": "bug", "id": "42", "title": "Login fails on Safari", "url": None},
        "to": [{"userId": a.to, "groupId": None, "email": None, "name": None}],
        "cc": [], "owner": None, "attributes": {},
    }
    producer = Producer({"bootstrap.servers": a.bootstrap_server, "enable.idempotence": True})
    producer.produce(a.topic, key=a.event_id.encode("utf-8"), value=single_object(schema, event))
    if producer.flush(30) != 0:
        raise SystemExit("the event was not acknowledged within 30 s")
    print("published", a.event_id)


if __name__ == "__main__":
    main()
