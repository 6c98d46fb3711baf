import { createLogger } from "@entrepot/runtime";
import { uniquePrefix, waitFor } from "@entrepot/testkit";
import { ConfigResourceTypes, Partitioners } from "kafkajs";
import { afterAll, describe, expect, inject, it } from "vitest";
import { consumerLag, createKafka, ensureTopics } from "./client";
import { availableKafkaClients } from "./clientChoice";
import { ConsumerRunner, type IncomingMessage } from "./consumer";
import { JsonProducer, MAX_REQUEST_BYTES } from "./producer";
import { readTopicToEnd } from "./readTopic";

const logger = createLogger({ name: "kafka-int", level: "silent" });

// every client that can run here (confluent where its native package is installed), on the same tests
describe.each(availableKafkaClients())("packages/kafka on a real broker (%s)", (client) => {
  const kafka = createKafka({ brokers: inject("kafkaBrokers").split(","), clientId: "kafka-int", logger, client });
  const producer = new JsonProducer(kafka);
  afterAll(() => producer.close());

  it("creates topics once, with partitions and cleanup policy", async () => {
    const p = uniquePrefix("topics");
    const defs = [
      { name: `${p}clean`, partitions: 3, cleanupPolicy: "compact" as const },
      { name: `${p}raw`, partitions: 2, cleanupPolicy: "delete" as const, retentionMs: 3_600_000 },
    ];
    expect(await ensureTopics(kafka, defs)).toEqual([`${p}clean`, `${p}raw`]);
    expect(await ensureTopics(kafka, defs)).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [`${p}clean`, `${p}raw`] });
      const partitions = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]));
      expect(partitions).toEqual({ [`${p}clean`]: 3, [`${p}raw`]: 2 });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: defs.map((d) => ({ type: ConfigResourceTypes.TOPIC, name: d.name, configNames: ["cleanup.policy", "retention.ms"] })),
      });
      const byTopic = Object.fromEntries(
        configs.resources.map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue]))]),
      );
      expect(byTopic[`${p}clean`]?.["cleanup.policy"]).toBe("compact");
      expect(byTopic[`${p}raw`]).toMatchObject({ "cleanup.policy": "delete", "retention.ms": "3600000" });
    } finally {
      await admin.disconnect();
    }
  });

  it("commits only after the handler succeeded: a failed batch is redelivered, a restarted member resumes after the last commit", async () => {
    const p = uniquePrefix("commit");
    const topic = `${p}in`;
    await ensureTopics(kafka, [{ name: topic, partitions: 1, cleanupPolicy: "delete" }]);
    await producer.start();
    await producer.send([1, 2, 3].map((n) => ({ topic, key: `k${n}`, value: { n } })));

    const seen: number[] = [];
    let failOnce = true;
    const handleBatch = async (messages: IncomingMessage[]) => {
      if (failOnce) {
        failOnce = false;
        throw new Error("downstream not acknowledged");
      }
      for (const m of messages) seen.push((JSON.parse(m.value ?? "{}") as { n: number }).n);
    };
    const first = new ConsumerRunner({ kafka, groupId: `${p}group`, topics: [topic], logger, handleBatch });
    await first.start();
    await waitFor(() => seen.length === 3, { timeoutMs: 60_000, description: "3 messages after the failed batch was retried" });
    expect(seen).toEqual([1, 2, 3]);
    await waitFor(async () => (await consumerLag(kafka, `${p}group`, [topic])) === 0, { description: "offsets committed" });
    await first.close();

    await producer.send([{ topic, key: "k4", value: { n: 4 } }]);
    const second = new ConsumerRunner({ kafka, groupId: `${p}group`, topics: [topic], logger, handleBatch });
    await second.start();
    await waitFor(() => seen.length === 4, { timeoutMs: 60_000, description: "the message produced while no member ran" });
    await second.close();
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it("sends a batch far over the broker's 1 MiB record batch limit, in order, in several requests", async () => {
    const p = uniquePrefix("big");
    const topic = `${p}t`;
    await ensureTopics(kafka, [{ name: topic, partitions: 1, cleanupPolicy: "delete" }]);
    await producer.start();
    const pad = "x".repeat(2000);
    const count = 1600;
    expect(count * pad.length).toBeGreaterThan(3 * MAX_REQUEST_BYTES);
    await producer.send(Array.from({ length: count }, (_, i) => ({ topic, key: `k${i}`, value: { i, pad } })));
    const messages = await readTopicToEnd(kafka, topic);
    expect(messages.map((m) => (JSON.parse(m.value ?? "{}") as { i: number }).i)).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it("puts each key on the partition the Java client's murmur2 partitioner picks", async () => {
    const p = uniquePrefix("murmur");
    const topic = `${p}t`;
    const partitions = 6;
    await ensureTopics(kafka, [{ name: topic, partitions, cleanupPolicy: "delete" }]);
    await producer.start();
    const keys = Array.from({ length: 60 }, (_, i) => `NVDA|SG|2025Q${i}`);
    await producer.send(keys.map((key, i) => ({ topic, key, value: { i } })));
    // kafkajs's default partitioner is the Java client's (murmur2 of the key, masked positive, modulo the partitions)
    const java = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
    }));
    const expected = new Map(keys.map((key) => [key, java({ topic, partitionMetadata, message: { key, value: null } })]));
    const messages = await readTopicToEnd(kafka, topic);
    expect(messages).toHaveLength(keys.length);
    expect(new Set(messages.map((m) => m.partition)).size).toBeGreaterThan(1);
    for (const m of messages) expect([m.key, m.partition]).toEqual([m.key, expected.get(m.key ?? "")]);
  });

  it("reads a topic to its end without a consumer group, keys and headers included", async () => {
    const p = uniquePrefix("read");
    const topic = `${p}t`;
    await ensureTopics(kafka, [{ name: topic, partitions: 3, cleanupPolicy: "delete" }]);
    await producer.start();
    await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic, key: `key-${i}`, value: { i }, headers: { "x-run": "r1" } })));
    const messages = await readTopicToEnd(kafka, topic);
    expect(messages).toHaveLength(10);
    expect(new Set(messages.map((m) => m.key))).toEqual(new Set(Array.from({ length: 10 }, (_, i) => `key-${i}`)));
    expect(messages.every((m) => m.headers["x-run"] === "r1" && m.headers["content-type"] === "application/json")).toBe(true);
    expect(await readTopicToEnd(kafka, `${p}t`)).toHaveLength(10);
  });

  it("produces gzip-compressed batches (ENTREPOT_KAFKA_COMPRESSION=gzip) that every reader decompresses", async () => {
    const gzipped = createKafka({ brokers: kafka.options.brokers, clientId: "kafka-int-gzip", logger, client, compression: "gzip" });
    const gzipProducer = new JsonProducer(gzipped);
    const topic = `${uniquePrefix("gzip")}t`;
    await ensureTopics(kafka, [{ name: topic, partitions: 2, cleanupPolicy: "delete" }]);
    try {
      await gzipProducer.start();
      const values = Array.from({ length: 200 }, (_, i) => ({ i, text: "a compressible value ".repeat(10) }));
      await gzipProducer.send(values.map((value, i) => ({ topic, key: `key-${i}`, value })));
      const back = await readTopicToEnd(kafka, topic);
      expect(back.map((m) => JSON.parse(m.value ?? "null") as { i: number }).sort((a, b) => a.i - b.i)).toEqual(values);
    } finally {
      await gzipProducer.close();
    }
  });
});

describe("readTopicToEnd on a topic kafkajs cannot decompress", () => {
  it("fails with the reason instead of waiting for its timeout", async () => {
    const brokers = inject("kafkaBrokers").split(",");
    const lz4 = createKafka({ brokers, clientId: "kafka-int-lz4", logger, client: "platformatic", compression: "lz4" });
    const producer = new JsonProducer(lz4);
    const topic = `${uniquePrefix("lz4")}t`;
    await ensureTopics(lz4, [{ name: topic, partitions: 1, cleanupPolicy: "delete" }]);
    try {
      await producer.start();
      await producer.send([{ topic, key: "k", value: { text: "lz4 ".repeat(50) } }]);
    } finally {
      await producer.close();
    }
    const reader = createKafka({ brokers, clientId: "kafka-int-reader", logger, client: "kafkajs" });
    // the reason, not "timed out reading"
    await expect(readTopicToEnd(reader, topic, 60_000)).rejects.toThrow(`reading ${topic} failed: LZ4 compression not implemented`);
  });
});
