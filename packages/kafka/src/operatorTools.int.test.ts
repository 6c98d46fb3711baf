import { createLogger } from "@entrepot/runtime";
import { uniquePrefix, waitFor } from "@entrepot/testkit";
import { afterAll, describe, expect, inject, it } from "vitest";
import { KafkaUnreachableError, probeKafka } from "./brokerProbe";
import { createKafka, ensureTopics } from "./client";
import { ConsumerRunner, type IncomingMessage } from "./consumer";
import { GroupActiveError, groupLag, resetGroupOffsets } from "./groupAdmin";
import { JsonProducer } from "./producer";
import { scanTopic } from "./topicPager";

const logger = createLogger({ name: "kafka-ops-int", level: "silent" });
const brokers = inject("kafkaBrokers").split(",");
const kafka = createKafka({ brokers, clientId: "kafka-ops-int", logger });
const producer = new JsonProducer(kafka);
const started = producer.start();
afterAll(() => producer.close());

/** `count` messages spread over the topic's partitions by key, each value its sequence number. */
async function produce(topic: string, count: number, from = 0): Promise<void> {
  await started;
  for (let i = from; i < from + count; i += 250) {
    const batch = [];
    for (let j = i; j < Math.min(from + count, i + 250); j++) batch.push({ topic, key: `k${j}`, value: { n: j } });
    await producer.send(batch);
  }
}

describe("operator tools on a real broker", () => {
  it("pages through a topic partition by partition, every message once, pages never larger than asked, up to the end seen at the start", async () => {
    const topic = `${uniquePrefix("pager")}dlq`;
    await ensureTopics(kafka, [{ name: topic, partitions: 3, cleanupPolicy: "delete" }]);
    await produce(topic, 1000);
    const pages: IncomingMessage[][] = [];
    let producedDuring = false;
    const result = await scanTopic(kafka, topic, { pageSize: 7 }, async (page) => {
      pages.push(page);
      if (!producedDuring) {
        // written after the scan started: beyond the captured end, never read
        producedDuring = true;
        await produce(topic, 30, 5000);
      }
      return true;
    });
    const seen = pages.flat();
    expect(result).toMatchObject({ scanned: 1000, stopped: false });
    expect(Object.values(result.ends).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(pages.every((p) => p.length >= 1 && p.length <= 7)).toBe(true);
    expect(seen.map((m) => (JSON.parse(m.value ?? "") as { n: number }).n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i),
    );
    // partition by partition, each in offset order
    const partitions = seen.map((m) => m.partition);
    expect(partitions).toEqual([...partitions].sort((a, b) => a - b));
    for (const p of new Set(partitions)) {
      const offsets = seen.filter((m) => m.partition === p).map((m) => Number(m.offset));
      expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i));
    }

    // the latest n per partition, and stopping early
    const latest: IncomingMessage[] = [];
    await scanTopic(kafka, topic, { pageSize: 4, lastPerPartition: 5 }, (page) => void latest.push(...page));
    expect(latest).toHaveLength(15);
    let calls = 0;
    const stopped = await scanTopic(kafka, topic, { pageSize: 10 }, () => ++calls < 3);
    expect(stopped).toMatchObject({ stopped: true, scanned: 30 });
  });

  it("reports a group's lag per partition and moves its offsets only while it has no member", async () => {
    const p = uniquePrefix("group");
    const topic = `${p}raw`;
    const groupId = `${p}group`;
    await ensureTopics(kafka, [{ name: topic, partitions: 2, cleanupPolicy: "delete" }]);
    await produce(topic, 40);
    const before = await groupLag(kafka, groupId, [topic]);
    expect(before.map((l) => l.committed)).toEqual([null, null]);
    expect(before.reduce((n, l) => n + l.lag, 0)).toBe(40);

    let consumed = 0;
    const runner = new ConsumerRunner({
      kafka,
      groupId,
      topics: [topic],
      logger,
      handleBatch: async (m) => {
        consumed += m.length;
      },
    });
    await runner.start();
    try {
      await waitFor(async () => (await groupLag(kafka, groupId, [topic])).every((l) => l.lag === 0), {
        timeoutMs: 60_000,
        description: "the group to catch up",
      });
      await expect(resetGroupOffsets(kafka, groupId, [topic], { kind: "earliest" })).rejects.toBeInstanceOf(GroupActiveError);
    } finally {
      await runner.close();
    }
    expect(consumed).toBe(40);
    const dry = await resetGroupOffsets(kafka, groupId, [topic], { kind: "earliest" }, { dryRun: true });
    expect(dry.every((m) => m.to === 0 && (m.from ?? 0) > 0)).toBe(true);
    expect((await groupLag(kafka, groupId, [topic])).reduce((n, l) => n + l.lag, 0)).toBe(0);
    await resetGroupOffsets(kafka, groupId, [topic], { kind: "earliest" });
    expect((await groupLag(kafka, groupId, [topic])).reduce((n, l) => n + l.lag, 0)).toBe(40);
    const future = await resetGroupOffsets(kafka, groupId, [topic], { kind: "time", timestamp: Date.now() + 3_600_000 });
    expect(future.every((m) => m.to === dry.find((d) => d.partition === m.partition)?.from)).toBe(true);
  });

  it("probes the brokers: health when they answer, a quick KafkaUnreachableError naming the reason when not", async () => {
    expect(await probeKafka({ brokers, logger })).toMatchObject({ brokers: 1 });
    const started = Date.now();
    const refused = await probeKafka({ brokers: ["127.0.0.1:1"], logger }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KafkaUnreachableError);
    expect(refused).toMatchObject({ reason: "refused", message: "Kafka is not reachable at 127.0.0.1:1 (connection refused)" });
    const unknown = await probeKafka({ brokers: ["no-such-host.invalid:9092"], logger }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ reason: "unknown_host" });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
