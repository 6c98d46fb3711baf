import type { Kafka } from "./client";
import type { IncomingMessage } from "./consumer";

/**
 * Reads a topic from the beginning up to its current end offsets (no consumer group),
 * e.g. for the CLI's `dlq show` or tests. Rejects after `timeoutMs`, or at once with the reason when
 * the reader cannot go on (kafkajs decompresses gzip only: a topic produced with lz4 or zstd fails).
 */
export async function readTopicToEnd(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<IncomingMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  if (pending.size === 0) return [];
  const out: IncomingMessage[] = [];
  const consumer = kafka.kafkajs().consumer({ groupId: `entrepot-reader-${process.pid}-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}: ${out.length} messages read`)), timeoutMs);
      // a crash kafkajs does not restart from (a batch it cannot decode: lz4 or zstd) fails the read with its reason at once
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        clearTimeout(timer);
        reject(new Error(`reading ${topic} failed: ${payload.error.message}`));
      });
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const high = ends.get(partition) ?? 0n;
            if (BigInt(message.offset) < high) {
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
              out.push({
                topic,
                partition,
                offset: message.offset,
                key: message.key?.toString("utf8") ?? null,
                value: message.value?.toString("utf8") ?? null,
                headers,
                timestamp: message.timestamp,
              });
            }
            if (BigInt(message.offset) + 1n >= high) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
