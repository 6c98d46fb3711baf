import type { LibrdKafkaError, Message, TopicPartition, TopicPartitionOffset } from "@confluentinc/kafka-javascript";
import { z } from "zod";
import { delay, MAX_TAKE, retryingHandler } from "./batchRetry";
import { asError, loadConfluent } from "./confluent";
import { type ConsumerHooks, type ConsumerRunnerOptions, type IncomingMessage, SESSION_TIMEOUT_MS } from "./consumer";
import { type ConsumerBackend, FETCH_MAX_BYTES, FETCH_MAX_BYTES_PER_PARTITION } from "./consumerKafkajs";

/** how long one `consume` waits for a first message (in librdkafka's worker thread, not the event loop) */
const CONSUME_WAIT_MS = 100;
/**
 * fetched messages librdkafka keeps queued ahead of the consumer, per partition, in KiB: its 64 MiB
 * default would hold far more than the 4 MiB fetches of the other clients
 */
const PREFETCH_KIB = 8 * 1024;
/** librdkafka's statistics every so often: the group coordinator's connection state says the broker is there */
const STATS_INTERVAL_MS = 3_000;
/** after a failed `consume` (not a timeout), wait this long before the next */
const CONSUME_ERROR_WAIT_MS = 500;

/** the part of librdkafka's statistics read here (https://github.com/confluentinc/librdkafka/blob/master/STATISTICS.md) */
const Stats = z.object({ cgrp: z.object({ state: z.string() }).optional() });
const StatsEvent = z.object({ message: z.string() });

/** the consumer's methods used here that its typings leave out */
interface Untyped {
  setDefaultIsTimeoutOnlyForFirstMessage(firstOnly: boolean): void;
  commitCb(offsets: TopicPartitionOffset[], cb: (err: LibrdKafkaError | null) => void): void;
}

function incoming(m: Message): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const h of m.headers ?? []) for (const [k, v] of Object.entries(h)) headers[k] = v.toString();
  return {
    topic: m.topic,
    partition: m.partition,
    offset: String(m.offset),
    key: m.key === null || m.key === undefined ? null : m.key.toString(),
    value: m.value === null ? null : m.value.toString("utf8"),
    headers,
    timestamp: String(m.timestamp ?? -1),
  };
}

function byTopic(partitions: readonly TopicPartition[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const { topic, partition } of partitions) out[topic] = [...(out[topic] ?? []), partition];
  return out;
}

/**
 * ConsumerRunner on @confluentinc/kafka-javascript's native KafkaConsumer (librdkafka), without
 * autocommit: one `consume` returns what librdkafka has fetched (up to MAX_TAKE messages of any
 * partitions), handled as one batch; then each partition's next offset is committed (the loop
 * waits for the broker's answer) and its lag read from librdkafka's cached high watermark. A
 * failing handler is retried with backoff, then the runner crashes. librdkafka reconnects and
 * rejoins by itself; while its group coordinator is not reachable no contact is reported, so the
 * runner reads `stale` after a session timeout.
 */
export function confluentConsumer(options: ConsumerRunnerOptions, hooks: ConsumerHooks): ConsumerBackend {
  const { KafkaConsumer, CODES } = loadConfluent();
  const { logger, groupId } = options;
  const log = logger.child({ component: "librdkafka", groupId });
  const consumer = new KafkaConsumer(
    {
      ...options.kafka.confluentOptions(),
      "group.id": groupId,
      "enable.auto.commit": false,
      "enable.auto.offset.store": false,
      "session.timeout.ms": SESSION_TIMEOUT_MS,
      "heartbeat.interval.ms": 3_000,
      "fetch.max.bytes": FETCH_MAX_BYTES,
      "max.partition.fetch.bytes": FETCH_MAX_BYTES_PER_PARTITION,
      "queued.max.messages.kbytes": PREFETCH_KIB,
      "statistics.interval.ms": STATS_INTERVAL_MS,
      // served inside `consume`, so between batches: a batch in flight finishes before its partitions move
      rebalance_cb: (err: LibrdKafkaError, assignment: TopicPartition[]) => {
        if (err.code === CODES.ERRORS.ERR__ASSIGN_PARTITIONS) {
          consumer.assign(assignment);
          hooks.move("consuming");
          hooks.assigned(byTopic(assignment));
        } else if (err.code === CODES.ERRORS.ERR__REVOKE_PARTITIONS) {
          hooks.move("rebalancing");
          consumer.unassign();
        } else {
          log.warn({ err: asError(err) }, "rebalance failed");
          consumer.unassign();
        }
      },
    },
    { "auto.offset.reset": options.fromBeginning === false ? "latest" : "earliest" },
  );
  const untyped = consumer as unknown as Untyped;
  consumer.on("event.error", (err) => log.warn({ err: asError(err) }, "consumer error (librdkafka retries)"));
  consumer.on("event.stats", (event: unknown) => {
    const parsed = StatsEvent.safeParse(event);
    if (!parsed.success) return;
    const stats = Stats.safeParse(JSON.parse(parsed.data.message));
    if (stats.success && stats.data.cgrp?.state === "up") hooks.contact();
  });

  const stopped = new AbortController();
  const handleWithRetries = retryingHandler(hooks, options, stopped.signal);
  const consume = () =>
    new Promise<Message[]>((resolve, reject) => {
      consumer.consume(MAX_TAKE, (err, messages) => (err ? reject(asError(err)) : resolve(messages)));
    });
  const commit = (offsets: TopicPartitionOffset[]) =>
    new Promise<void>((resolve, reject) => {
      untyped.commitCb(offsets, (err) => (err ? reject(asError(err)) : resolve()));
    });

  const run = async () => {
    while (!stopped.signal.aborted) {
      let taken: Message[];
      try {
        taken = await consume();
      } catch (err) {
        if (stopped.signal.aborted) return;
        log.warn({ err }, "consume failed, trying again");
        await delay(CONSUME_ERROR_WAIT_MS, stopped.signal);
        continue;
      }
      if (taken.length === 0) continue;
      hooks.contact();
      const started = process.hrtime.bigint();
      // the whole take is one batch (one output request, one revision round trip): each partition's messages stay in order
      await handleWithRetries(taken.map(incoming));
      const last = new Map<string, Message>();
      for (const m of taken) last.set(`${m.topic}\u0000${m.partition}`, m);
      const next = [...last.values()].map(({ topic, partition, offset }) => ({ topic, partition, offset: offset + 1 }));
      try {
        await commit(next);
      } catch (err) {
        // e.g. the group rebalanced meanwhile: the partition's next owner handles the batch again (at least once)
        log.warn({ err, offsets: next }, "commit failed; the batch will be handled again after the partitions move");
      }
      for (const { topic, partition, offset } of next) {
        try {
          hooks.lag(topic, partition, consumer.getWatermarkOffsets(topic, partition).highOffset - offset);
        } catch {
          // no high watermark cached for the partition yet (none fetched since it was assigned)
        }
      }
      hooks.batchDone(Number(process.hrtime.bigint() - started) / 1e9);
    }
  };

  let loop: Promise<void> | undefined;
  let connected = false;
  return {
    start: async () => {
      await new Promise<void>((resolve, reject) => {
        consumer.connect({ allTopics: false, timeout: options.kafka.options.connectionTimeout ?? 5000 }, (err) =>
          err ? reject(asError(err)) : resolve(),
        );
      });
      connected = true;
      consumer.setDefaultConsumeTimeout(CONSUME_WAIT_MS);
      // wait for a first message only; then take what is already fetched, up to MAX_TAKE
      untyped.setDefaultIsTimeoutOnlyForFirstMessage(true);
      consumer.subscribe([...options.topics]);
      loop = run().catch((err: unknown) => {
        hooks.crashed(err instanceof Error ? err : new Error(String(err)), false);
      });
    },
    close: async () => {
      stopped.abort();
      await loop;
      hooks.move("stopped");
      if (!connected) return;
      // leaves the group (its revoke is not a rebalance to report: the runner is stopped)
      await new Promise<void>((resolve, reject) => {
        consumer.disconnect((err: unknown) => (err ? reject(asError(err as Error)) : resolve()));
      });
    },
  };
}
