#!/usr/bin/env python3
"""Publishes domain events to notifier.events with Confluent's AvroSerializer and a schema registry.

Debian: apt-get install python3-confluent-kafka python3-requests (and the fastavro wheel)
Schema: notifier schemas --avsc DomainEvent > DomainEvent.avsc

  python3 produce_registry.py --bootstrap-server 127.0.0.1:9092 --registry http://127.0.0.1:8081 \
      --schema DomainEvent.avsc --event-id zt-bug-42-assign-1 --type bug.assigned --actor carol --to alice

The serializer registers the schema under the subject notifier.events-value (TopicNameStrategy) and
writes the registry's wire format: the byte 0, the schema id (4 bytes, big-endian), the Avro body.
The notifier reads it when its config names the registry (streams.schemaRegistry.urls). The key is
the event id. Several --event-id values publish one event each.
"""
import argparse
import time

from confluent_kafka import SerializingProducer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import StringSerializer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bootstrap-server", required=True)
    p.add_argument("--registry", required=True)
    p.add_argument("--topic", default="notifier.events")
    p.add_argument("--schema", required=True)
    p.add_argument("--event-id", required=True, action="append")
    p.add_argument("--type", required=True)
    p.add_argument("--actor", required=True)
    p.add_argument("--to", required=True)
    a = p.parse_args()
    with open(a.schema, encoding="utf-8") as f:
        schema = f.read()
    registry = SchemaRegistryClient({"url": a.registry})
    producer = SerializingProducer({
        "bootstrap.servers": a.bootstrap_server, "enable.idempotence": True,
        "key.serializer": StringSerializer("utf_8"),
        "value.serializer": AvroSerializer(registry, schema),
    })
    for event_id in a.event_id:
        event = {
            "eventId": event_id, "type": a.type, "source": "python", "team": None,
            "occurredAt": int(time.time() * 1000),
            "actor": {"userId": a.actor, "groupId": None, "email": None, "name": None},
            "subject": {"kind": "bug", "id": "42", "title": "Login fails on Safari", "url": None},
            "to": [{"userId": a.to, "groupId": None, "email": None, "name": None}],
            "cc": [], "owner": None, "attributes": {},
        }
        producer.produce(a.topic, key=event_id, value=event)
    if producer.flush(30) != 0:
        raise SystemExit("the events were not acknowledged within 30 s")
    print("published", " ".join(a.event_id))


if __name__ == "__main__":
    main()
