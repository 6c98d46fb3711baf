#!/usr/bin/env python3
"""Reads Entrepot's cleaned topics with confluent-kafka, validates and prints them.

    KAFKA_BROKERS=127.0.0.1:9092 ENTREPOT_TOPIC_PREFIX= python consumer.py --out records.jsonl

Reads revenue.clean.v1, shares.v1 and alerts.v1 (under ENTREPOT_TOPIC_PREFIX, as the services
name them) from the beginning of every partition. It assigns the partitions itself: no consumer
group joins, no offsets are committed, every run reads the whole (compacted) topics again.

Stops when every partition was read to the end it had at start (or, with --follow, keeps
waiting for new records), after --max records, or fails after --timeout seconds.
Exit codes: 0 read what was asked; 1 timed out or Kafka failed; 2 bad arguments or environment;
3 read what was asked but some records were invalid (named on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import time
from typing import IO, Any, Optional

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

from records import TOPICS, Summary, describe, topic_name, validate

BROKERS_PATTERN = re.compile(r"^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Read Entrepot's cleaned topics (revenue.clean.v1, shares.v1, alerts.v1).")
    p.add_argument("--topic", action="append", choices=TOPICS, help="a topic to read (repeatable; default: all three)")
    p.add_argument("--brokers", default=os.environ.get("KAFKA_BROKERS", "127.0.0.1:9092"), help="default: $KAFKA_BROKERS")
    p.add_argument("--prefix", default=os.environ.get("ENTREPOT_TOPIC_PREFIX", ""), help="default: $ENTREPOT_TOPIC_PREFIX")
    p.add_argument("--max", type=int, metavar="N", help="stop after N records")
    p.add_argument("--timeout", type=float, metavar="S", help="give up after S seconds (default 30; with --follow: run until stopped)")
    p.add_argument("--follow", action="store_true", help="keep waiting for new records after the end")
    p.add_argument("--out", metavar="FILE", help="append every valid record to FILE as JSON lines")
    p.add_argument("--quiet", action="store_true", help="print only the summary, not a line per record")
    args = p.parse_args(argv)
    args.brokers = args.brokers.strip()
    if not BROKERS_PATTERN.match(args.brokers):
        p.error(f"KAFKA_BROKERS / --brokers: expected host:port[,host:port...], got {args.brokers!r}")
    try:
        topic_name(args.prefix, "")
    except ValueError as err:
        p.error(str(err))
    if args.max is not None and args.max < 1:
        p.error("--max: expected a positive integer")
    if args.timeout is None and not args.follow:
        args.timeout = 30.0
    if args.timeout is not None and args.timeout <= 0:
        p.error("--timeout: expected a positive number of seconds")
    args.topics = tuple(args.topic or TOPICS)
    return args


class Reader:
    """The partitions of the asked topics, from the beginning; which of them reached their end."""

    def __init__(self, brokers: str, prefix: str, topics: tuple[str, ...]) -> None:
        self.consumer = Consumer(
            {
                "bootstrap.servers": brokers,
                # required by librdkafka, unused: partitions are assigned, never subscribed, nothing committed
                "group.id": f"{prefix}entrepot-python-reader",
                "enable.auto.commit": False,
                "enable.partition.eof": True,
                "client.id": "entrepot-python-consumer",
            }
        )
        self.by_name = {topic_name(prefix, t): t for t in topics}
        self.not_at_end: set[tuple[str, int]] = set()

    def assign(self, timeout: float) -> None:
        metadata = self.consumer.list_topics(timeout=timeout)
        partitions = []
        for name in self.by_name:
            meta = metadata.topics.get(name)
            if meta is None or meta.error is not None:
                raise LookupError(f"topic {name} does not exist (is ENTREPOT_TOPIC_PREFIX right?)")
            partitions += [TopicPartition(name, p, OFFSET_BEGINNING) for p in sorted(meta.partitions)]
        self.not_at_end = {(tp.topic, tp.partition) for tp in partitions}
        self.consumer.assign(partitions)

    def close(self) -> None:
        self.consumer.close()


def run(args: argparse.Namespace, out: Optional[IO[str]]) -> int:
    summary = Summary()
    stopped = False

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopped
        stopped = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    reader = Reader(args.brokers, args.prefix, args.topics)
    consumed = 0
    outcome = "stopped"
    try:
        reader.assign(timeout=min(args.timeout or 30.0, 30.0))
        while not stopped:
            if args.max is not None and consumed >= args.max:
                outcome = "max"
                break
            if not args.follow and not reader.not_at_end:
                outcome = "end"
                break
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                outcome = "timeout"
                break
            msg = reader.consumer.poll(1.0 if left is None else min(1.0, left))
            if msg is None:
                continue
            err = msg.error()
            if err is not None:
                if err.code() == KafkaError._PARTITION_EOF:
                    reader.not_at_end.discard((msg.topic(), msg.partition()))
                    continue
                if err.fatal():
                    raise KafkaException(err)
                print(f"kafka: {err.str()}", file=sys.stderr)
                continue
            consumed += 1
            handle(reader.by_name[msg.topic()], msg, summary, args, out)
    except (KafkaException, LookupError) as err:
        print(f"consumer: {err}", file=sys.stderr)
        return 1
    finally:
        reader.close()

    print("\n".join(summary.lines(args.topics)))
    if outcome == "timeout" and (args.max is not None or not args.follow):
        goal = f"{args.max} records" if args.max is not None else "the end of every partition"
        print(f"consumer: timed out after {args.timeout:g} s with {consumed} records, before {goal}", file=sys.stderr)
        return 1
    return 3 if sum(summary.invalid.values()) else 0


def handle(topic: str, msg: Any, summary: Summary, args: argparse.Namespace, out: Optional[IO[str]]) -> None:
    """Validates one message and prints / writes / counts it."""
    key = msg.key().decode("utf-8", "replace") if msg.key() is not None else None
    where = f"{topic}[{msg.partition()}]@{msg.offset()}"
    if msg.value() is None:
        # a tombstone: the key was deleted from the compacted topic
        summary.delete(topic, key)
        if not args.quiet:
            print(f"{topic:<17} deleted {key}")
        return
    try:
        record = validate(topic, json.loads(msg.value()))
    except ValueError as err:  # bad UTF-8, bad JSON or InvalidRecord
        summary.invalid[topic] += 1
        print(f"invalid record {where} (key {key}): {err}", file=sys.stderr)
        return
    summary.add(topic, key, record)
    if not args.quiet:
        print(f"{topic:<17} {describe(topic, record)}")
    if out is not None:
        line = {"topic": topic, "partition": msg.partition(), "offset": msg.offset(), "key": key, "value": record}
        out.write(json.dumps(line, separators=(",", ":")) + "\n")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.out is None:
        return run(args, None)
    with open(args.out, "a", encoding="utf-8") as out:
        return run(args, out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
