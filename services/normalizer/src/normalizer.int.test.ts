import { consumerLag, createKafka, ensureTopics, JsonProducer, readTopicToEnd } from "@entrepot/kafka";
import { rawPartitionKey } from "@entrepot/normalize";
import { createLogger, METRIC, Metrics } from "@entrepot/runtime";
import { CustomsClean, HEADERS, type RawRecord, Rejection, topicDefinitions, topicName } from "@entrepot/schemas";
import { uniquePrefix, waitFor } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { type NormalizerHandle, startNormalizer } from "./normalizer";
import { RedisRevisionStore } from "./redisRevisionStore";

const logger = createLogger({ name: "normalizer-int", level: "silent" });
const kafka = createKafka({ brokers: inject("kafkaBrokers").split(","), clientId: "normalizer-int", logger });
const redis = new Redis(inject("redisUrl"));
const producer = new JsonProducer(kafka);
const handles: NormalizerHandle[] = [];
afterAll(async () => {
  for (const h of handles) await h.close();
  await producer.close();
  redis.disconnect();
});

const customs = (line: number, value: string, reportedAt: string, extra: Record<string, string> = {}): RawRecord => ({
  schemaVersion: 1,
  feed: "customs",
  provenance: { source: "int", file: "customs.csv", line, ingestRun: "run-int", format: "customs-csv" },
  fields: { reporter: "SG", partner: "CN", flow: "X", hs_code: "854231", period: "2024-07", value, reported_at: reportedAt, ...extra },
});

describe("normalizer on real Kafka and Redis", () => {
  it("publishes customs facts, drops duplicates, applies newer revisions and dead-letters late older ones", async () => {
    const prefix = uniquePrefix("norm");
    await ensureTopics(kafka, topicDefinitions(prefix));
    await producer.start();
    const raw = topicName(prefix, "customsRaw");
    const records = [
      customs(2, "100", "2024-09-01"), // new
      customs(3, "100", "2024-09-01"), // same content again: duplicate
      customs(4, "120", "2024-10-01"), // newer revision: replaces
      customs(5, "90", "2024-08-01"), // older revision arriving late: stale
      customs(6, "5", "2024-09-01", { partner: "Atlantis" }), // unknown_country
    ];
    // one partition key so the order is the order of the file
    await producer.send(records.map((value) => ({ topic: raw, key: "customs.csv", value, headers: { [HEADERS.ingestRun]: "run-int" } })));
    const handle = await startNormalizer({
      kafka,
      topicPrefix: prefix,
      logger,
      metrics: new Metrics(),
      revisions: new RedisRevisionStore(redis, prefix),
    });
    handles.push(handle);
    await waitFor(async () => (await consumerLag(kafka, `${prefix}entrepot-normalizer`, [raw])) === 0, {
      timeoutMs: 60_000,
      description: "normalizer caught up",
    });

    const clean = (await readTopicToEnd(kafka, topicName(prefix, "customsClean"))).map((m) => ({
      key: m.key,
      value: CustomsClean.parse(JSON.parse(m.value ?? "")),
    }));
    expect(clean.map((c) => [c.value.valueUsd, c.value.asOf])).toEqual([
      [100, "2024-09-01"],
      [120, "2024-10-01"],
    ]);
    expect(clean[0]?.key).toBe("SG|CN|export|854231|2024-07|-|-|-|HS");

    const rejects = await readTopicToEnd(kafka, topicName(prefix, "rejects"));
    const dead = rejects.map((m) => ({ value: Rejection.parse(JSON.parse(m.value ?? "")), headers: m.headers }));
    expect(dead.map((d) => [d.value.reason, d.value.provenance?.line]).sort()).toEqual([
      ["stale_revision", 5],
      ["unknown_country", 6],
    ]);
    for (const d of dead) {
      expect(d.headers).toMatchObject({ [HEADERS.dlqTopic]: raw, [HEADERS.dlqStage]: "normalize", [HEADERS.ingestRun]: "run-int" });
    }
    // the latest revision per key is kept in Redis for every normalizer instance
    expect(await redis.hget(`${prefix}entrepot:revisions:customs`, "SG|CN|export|854231|2024-07|-|-|-|HS")).toMatch(/^2024-10-01\|/);
  });

  it("replaying the same raw records changes nothing downstream", async () => {
    const prefix = uniquePrefix("replay");
    await ensureTopics(kafka, topicDefinitions(prefix));
    await producer.start();
    const raw = topicName(prefix, "customsRaw");
    const store = new RedisRevisionStore(redis, prefix);
    const first = await startNormalizer({
      kafka,
      topicPrefix: prefix,
      logger,
      metrics: new Metrics(),
      revisions: store,
      groupId: `${prefix}g1`,
    });
    handles.push(first);
    await producer.send([{ topic: raw, key: "a", value: customs(2, "7", "2024-09-01") }]);
    await waitFor(async () => (await consumerLag(kafka, `${prefix}g1`, [raw])) === 0, { timeoutMs: 60_000, description: "first pass" });
    // a second consumer group re-reads the topic from the beginning: a full replay
    const second = await startNormalizer({
      kafka,
      topicPrefix: prefix,
      logger,
      metrics: new Metrics(),
      revisions: store,
      groupId: `${prefix}g2`,
    });
    handles.push(second);
    await waitFor(async () => (await consumerLag(kafka, `${prefix}g2`, [raw])) === 0, { timeoutMs: 60_000, description: "replay" });
    expect(await readTopicToEnd(kafka, topicName(prefix, "customsClean"))).toHaveLength(1);
    expect(await readTopicToEnd(kafka, topicName(prefix, "rejects"))).toHaveLength(0);
  });

  it("with error tolerance none stops loudly on the first bad record and commits nothing", async () => {
    const prefix = uniquePrefix("none");
    await ensureTopics(kafka, topicDefinitions(prefix));
    await producer.start();
    const raw = topicName(prefix, "customsRaw");
    await producer.send([
      { topic: raw, key: "k", value: customs(2, "7", "2024-09-01") },
      { topic: raw, key: "k", value: customs(3, "7", "2024-09-01", { hs_code: "85A" }) },
    ]);
    const crashes: Error[] = [];
    const handle = await startNormalizer({
      kafka,
      topicPrefix: prefix,
      logger,
      metrics: new Metrics(),
      revisions: new RedisRevisionStore(redis, prefix),
      errorTolerance: "none",
      onCrash: (err) => crashes.push(err),
    });
    handles.push(handle);
    const crash = await waitFor(() => crashes[0], { timeoutMs: 60_000, description: "the stage to stop" });
    expect(crash.message).toMatch(/error tolerance none\): bad_hs_code/);
    await handle.close();
    expect(await readTopicToEnd(kafka, topicName(prefix, "rejects"))).toHaveLength(0);
    expect(await readTopicToEnd(kafka, topicName(prefix, "customsClean"))).toHaveLength(0);
    expect(await consumerLag(kafka, `${prefix}entrepot-normalizer`, [raw])).toBe(2);
  });

  it("two instances in one group share the partitions and give the output of one instance", async () => {
    // 150 facts on the raw topic's 3 partitions, keyed as the ingest keys them (rawPartitionKey), in file order:
    // first figures, exact duplicates, revisions as of the SAME date on later lines (the last line wins), newer
    // revisions, older ones arriving late (stale), bad partners (file:line)
    const fact = (k: number) => ({
      partner: ["CN", "US", "MY", "VN", "IN"][k % 5] as string,
      period: `${2000 + Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, "0")}`,
      hs_code: ["854231", "847130"][k % 2] as string,
    });
    const passes: [(k: number) => boolean, (k: number) => [string, string, Record<string, string>?]][] = [
      [() => true, (k) => [String(100 + k), "2024-09-01"]],
      [(k) => k % 3 === 0, (k) => [String(100 + k), "2024-09-01"]],
      [(k) => k % 4 === 0, (k) => [String(200 + k), "2024-09-01"]],
      [(k) => k % 8 === 0, (k) => [String(300 + k), "2024-09-01"]],
      [(k) => k % 5 === 0, (k) => [String(400 + k), "2024-10-01"]],
      [(k) => k % 7 === 0, (k) => [String(500 + k), "2024-08-01"]],
      [(k) => k % 10 === 0, () => ["5", "2024-09-01", { partner: "Atlantis" }]],
    ];
    const input: RawRecord[] = [];
    const expected = new Map<string, { valueUsd: number; asOf: string }>();
    let line = 2;
    for (const [applies, figure] of passes)
      for (let k = 0; k < 150; k++) {
        if (!applies(k)) continue;
        const [value, asOf, extra] = figure(k);
        const raw = customs(line++, value, asOf, { ...fact(k), ...extra });
        input.push(raw);
        // one reader in file order: a figure as of the same date or later replaces the one before
        const key = rawPartitionKey(raw);
        const seen = expected.get(key);
        if (!extra && (!seen || asOf >= seen.asOf)) expected.set(key, { valueUsd: Number(value), asOf });
      }
    /** runs `instances` normalizers in one group over the input; the latest clean value per key, the dead letters by reason and line */
    const run = async (instances: number) => {
      const prefix = uniquePrefix(`scale${instances}`);
      await ensureTopics(kafka, topicDefinitions(prefix));
      await producer.start();
      const raw = topicName(prefix, "customsRaw");
      const metrics = Array.from({ length: instances }, () => new Metrics());
      const started = await Promise.all(
        metrics.map((m) =>
          startNormalizer({ kafka, topicPrefix: prefix, logger, metrics: m, revisions: new RedisRevisionStore(redis, prefix) }),
        ),
      );
      handles.push(...started);
      await waitFor(() => started.every((h) => h.ready()), { timeoutMs: 60_000, description: `${instances} members settled` });
      // the ingest's keys: a fact's revisions share a partition, so one member decides them in file order
      await producer.send(input.map((value) => ({ topic: raw, key: rawPartitionKey(value), value })));
      await waitFor(async () => (await consumerLag(kafka, `${prefix}entrepot-normalizer`, [raw])) === 0, {
        timeoutMs: 90_000,
        description: "the group caught up",
      });
      const consumed = await Promise.all(metrics.map((m) => m.value(METRIC.recordsIn, { stage: "normalize", feed: "customs" })));
      const latest = new Map<string, unknown>();
      for (const m of await readTopicToEnd(kafka, topicName(prefix, "customsClean"))) {
        // the fact, not its provenance: which of two equal records came first depends on the partitions' interleaving
        const { valueUsd, asOf } = CustomsClean.parse(JSON.parse(m.value ?? ""));
        latest.set(m.key ?? "", { valueUsd, asOf });
      }
      const dead = (await readTopicToEnd(kafka, topicName(prefix, "rejects")))
        .map((m) => Rejection.parse(JSON.parse(m.value ?? "")))
        .map((r) => `${r.reason}@${r.provenance?.line}`)
        .sort();
      const outcomes = await Promise.all(
        [METRIC.recordsOut, METRIC.recordsRejected, METRIC.recordsDropped].map((name) =>
          Promise.all(metrics.map((m) => m.value(name, { stage: "normalize", feed: "customs" }))),
        ),
      );
      const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      return { consumed, latest: [...latest].sort(([a], [b]) => a.localeCompare(b)), dead, accounted: total(outcomes.map(total)) };
    };
    const one = await run(1);
    const two = await run(2);
    // both members consumed a share; together every record, once
    expect(two.consumed).toHaveLength(2);
    expect(two.consumed.every((n) => n > 0)).toBe(true);
    expect(two.consumed.reduce((a, b) => a + b, 0)).toBe(input.length);
    expect(two.accounted).toBe(input.length);
    expect(one.consumed).toEqual([input.length]);
    // one instance: the newest revision per key, the last line among those of one date
    expect(one.latest).toEqual([...expected].sort(([a], [b]) => a.localeCompare(b)));
    expect(one.latest.length).toBe(150);
    // two: the same compacted clean view and the same dead letters, late older revisions included
    expect(two.latest).toEqual(one.latest);
    expect(two.dead).toEqual(one.dead);
    expect(one.dead.filter((d) => d.startsWith("unknown_country@"))).toHaveLength(15);
    expect(one.dead.filter((d) => d.startsWith("stale_revision@")).length).toBeGreaterThan(10);
  });
});
