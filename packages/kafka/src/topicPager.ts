import { randomUUID } from "node:crypto";
import type { Kafka } from "./client";
import type { IncomingMessage } from "./consumer";
import { headersToStrings } from "./consumerKafkajs";

export interface ScanOptions {
  /** at most this many messages per `onPage` call (default 500) */
  pageSize?: number;
  /** where each partition starts: its log start (default), or the first offset at or after this time (ms) */
  sinceMs?: number;
  /** per partition, start this many messages before the end (e.g. the latest 20); combined with sinceMs, the later start wins */
  lastPerPartition?: number;
  /** bytes fetched per partition and request: bounds memory (default 256 KiB) */
  maxBytesPerPartition?: number;
  /** give up after this long (default 60 s) */
  timeoutMs?: number;
}

export interface ScanResult {
  /** messages handed to onPage */
  scanned: number;
  /** the end offsets captured at start, per partition: nothing at or after them was read */
  ends: Record<number, number>;
  /** true when onPage asked to stop before the ends */
  stopped: boolean;
}

/**
 * Reads a topic partition by partition, in pages of at most `pageSize` messages, from each
 * partition's start up to the end offset captured when the scan began, without keeping anything:
 * memory is bounded by one fetch and one page. `onPage` returns false to stop early. No offsets are
 * committed (the group is throwaway).
 */
export async function scanTopic(
  kafka: Kafka,
  topic: string,
  options: ScanOptions,
  onPage: (messages: IncomingMessage[]) => Promise<boolean | undefined> | boolean | undefined,
): Promise<ScanResult> {
  const pageSize = options.pageSize ?? 500;
  const admin = kafka.admin();
  await admin.connect();
  const plan: { partition: number; start: number; end: number }[] = [];
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const byTime = options.sinceMs !== undefined ? await admin.fetchTopicOffsetsByTimestamp(topic, options.sinceMs) : [];
    for (const o of offsets.sort((a, b) => a.partition - b.partition)) {
      const low = Number(o.low);
      const end = Number(o.high);
      let start = low;
      if (options.sinceMs !== undefined) {
        const t = Number(byTime.find((p) => p.partition === o.partition)?.offset ?? end);
        start = Math.max(start, t < 0 ? end : t);
      }
      if (options.lastPerPartition !== undefined) start = Math.max(start, end - options.lastPerPartition);
      plan.push({ partition: o.partition, start, end });
    }
  } finally {
    await admin.disconnect();
  }
  const ends = Object.fromEntries(plan.map((p) => [p.partition, p.end]));
  const todo = plan.filter((p) => p.start < p.end);
  if (todo.length === 0) return { scanned: 0, ends, stopped: false };

  const consumer = kafka.kafkajs().consumer({
    groupId: `entrepot-scan-${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 256 * 1024,
    maxBytes: options.maxBytesPerPartition ?? 256 * 1024,
  });
  let scanned = 0;
  let stopped = false;
  let index = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out reading ${topic} after ${options.timeoutMs ?? 60_000} ms: ${scanned} messages read`)),
        options.timeoutMs ?? 60_000,
      );
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      // one partition at a time: the others stay paused until their turn
      const focus = (i: number) => {
        const others = plan.map((p) => p.partition).filter((p) => p !== todo[i]?.partition);
        if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
        const current = todo[i] as (typeof todo)[number];
        consumer.seek({ topic, partition: current.partition, offset: String(current.start) });
        consumer.resume([{ topic, partitions: [current.partition] }]);
      };
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            const current = todo[index];
            if (!current || batch.partition !== current.partition || !isRunning() || isStale() || stopped) return;
            const wanted = batch.messages.filter((m) => Number(m.offset) >= current.start && Number(m.offset) < current.end);
            for (let i = 0; i < wanted.length && !stopped; i += pageSize) {
              const page = wanted.slice(i, i + pageSize).map(
                (m): IncomingMessage => ({
                  topic,
                  partition: batch.partition,
                  offset: m.offset,
                  key: m.key?.toString("utf8") ?? null,
                  value: m.value?.toString("utf8") ?? null,
                  headers: headersToStrings(m.headers),
                  timestamp: m.timestamp,
                }),
              );
              scanned += page.length;
              if ((await onPage(page)) === false) stopped = true;
              await heartbeat();
            }
            // the next fetch starts after what was resolved (nothing is committed: the group is throwaway)
            const last = batch.messages.at(-1);
            if (last) resolveOffset(last.offset);
            if (stopped) finish();
            else if (last !== undefined && Number(batch.lastOffset()) + 1 >= current.end) {
              index += 1;
              if (index >= todo.length) finish();
              else focus(index);
            }
          },
        })
        .then(() => focus(0))
        .catch((err: unknown) => {
          clearTimeout(timer);
          reject(err);
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return { scanned, ends, stopped };
}
