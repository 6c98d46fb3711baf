import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKafka, ensureTopics, type IncomingMessage, JsonProducer, readTopicToEnd } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { HEADERS, RawRecord, Rejection, TOPIC_CATALOG, topicDefinitions, topicName } from "@entrepot/schemas";
import { uniquePrefix } from "@entrepot/testkit";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ingestFile } from "./ingestFile";

const logger = createLogger({ name: "ingestor-int", level: "silent" });
const kafka = createKafka({ brokers: inject("kafkaBrokers").split(","), clientId: "ingestor-int", logger });
const producer = new JsonProducer(kafka);
const tmp = mkdtempSync(join(tmpdir(), "entrepot-ingest-int-"));
afterAll(async () => {
  await producer.close();
  rmSync(tmp, { recursive: true, force: true });
});
const fixture = (name: string) => join(import.meta.dirname, "../../feeds/fixtures/hostile", name);

describe("ingestFile on a real broker", () => {
  it("publishes detected-layout records to their feed's raw topic and source-side problems to rejects.v1, reconciled", async () => {
    const prefix = uniquePrefix("ingest");
    await ensureTopics(kafka, topicDefinitions(prefix));
    await producer.start();
    const report = await ingestFile({ producer, topicPrefix: prefix, file: fixture("ragged-short.csv"), batchSize: 1 });
    expect(report).toMatchObject({
      read: 2,
      published: 1,
      rejected: 1,
      byReason: { column_count: 1 },
      layout: { format: "customs-csv", container: "csv" },
    });

    const raw = (await readTopicToEnd(kafka, topicName(prefix, "customsRaw"))).map((m) => RawRecord.parse(JSON.parse(m.value ?? "")));
    expect(raw).toMatchObject([
      { feed: "customs", provenance: { file: "ragged-short.csv", line: 3, format: "customs-csv", ingestRun: report.ingestRun } },
    ]);
    const rejects = await readTopicToEnd(kafka, topicName(prefix, "rejects"));
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.key).toBe("ragged-short.csv:2");
    expect(Rejection.parse(JSON.parse(rejects[0]?.value ?? ""))).toMatchObject({
      stage: "ingest",
      reason: "column_count",
      raw: "SG,CN,X,854231,2024-07",
      provenance: { file: "ragged-short.csv", line: 2 },
    });
    expect(rejects[0]?.headers).toMatchObject({
      [HEADERS.dlqStage]: "ingest",
      [HEADERS.dlqReason]: "column_count",
      [HEADERS.ingestRun]: report.ingestRun,
    });
    expect(await readTopicToEnd(kafka, topicName(prefix, "revenueRaw"))).toHaveLength(0);
  });

  it("routes a JSON lines file with both feeds to both raw topics and dead-letters binary files", async () => {
    const prefix = uniquePrefix("ingest");
    await ensureTopics(kafka, topicDefinitions(prefix));
    await producer.start();
    const progress: number[] = [];
    const mixed = await ingestFile({
      producer,
      topicPrefix: prefix,
      file: fixture("customs.jsonl"),
      batchSize: 1,
      onProgress: (r) => progress.push(r.bytesRead),
    });
    const size = statSync(fixture("customs.jsonl")).size;
    expect(mixed).toMatchObject({
      read: 3,
      published: 3,
      rejected: 0,
      publishedByFeed: { customs: 2, revenue: 1 },
      bytes: size,
      bytesRead: size,
    });
    // bytes read, for progress: never decreasing, the whole file at the end
    expect(progress.every((b, i) => i === 0 || b >= (progress[i - 1] as number))).toBe(true);
    expect(progress.at(-1)).toBe(size);
    expect(await readTopicToEnd(kafka, topicName(prefix, "customsRaw"))).toHaveLength(2);
    expect(await readTopicToEnd(kafka, topicName(prefix, "revenueRaw"))).toHaveLength(1);
    const binary = await ingestFile({ producer, topicPrefix: prefix, file: fixture("gzipped.csv.gz"), feed: "customs" });
    expect(binary).toMatchObject({ read: 1, published: 0, rejected: 1, byReason: { binary_data: 1 } });
  });

  it("puts every revision of a fact on one partition of the raw topic, in file order", async () => {
    const prefix = uniquePrefix("ingest-keys");
    await ensureTopics(kafka, topicDefinitions(prefix));
    await producer.start();
    // 12 customs facts, each revised three times further down the file: the same figure again, a new figure
    // as of the same date (the last line wins), a newer figure; and a line whose partner names no country
    const partners = ["CN", "US", "MY", "VN", "IN", "JP"];
    const facts = partners.flatMap((partner) => ["2024-07", "2024-08"].map((period) => ({ partner, period })));
    const lines = ["reporter,partner,flow,hs_code,period,value,currency,reported_at"];
    for (const [value, asOf] of [
      ["100", "2024-09-01"],
      ["100", "2024-09-01"],
      ["110", "2024-09-01"],
      ["120", "2024-10-01"],
    ])
      for (const { partner, period } of facts) lines.push(`SG,${partner},import,854231,${period},${value},USD,${asOf}`);
    lines.push("SG,Atlantis,import,854231,2024-07,5,USD,2024-09-01");
    // a revenue quarter in euros, which the ingest has no rate for, revised by a later line
    const revenue = [
      "company,fiscal_period,region,revenue,currency,reported_at",
      "ASML,FY2024-Q3,Taiwan,2000,EUR,2024-10-16",
      "ASML,FY2024-Q3,China,1000,EUR,2024-10-16",
      "ASML,FY2024-Q3,Taiwan,2100,EUR,2025-01-29",
    ];
    const customsFile = join(tmp, "revisions.csv");
    const revenueFile = join(tmp, "asml.csv");
    writeFileSync(customsFile, `${lines.join("\n")}\n`);
    writeFileSync(revenueFile, `${revenue.join("\n")}\n`);
    await ingestFile({ producer, topicPrefix: prefix, file: customsFile, batchSize: 7 });
    await ingestFile({ producer, topicPrefix: prefix, file: revenueFile, batchSize: 1 });

    /** the lines of each key by partition, in the order of the partition (offsets) */
    const byKey = async (topic: "customsRaw" | "revenueRaw") => {
      const messages = await readTopicToEnd(kafka, topicName(prefix, topic));
      expect(TOPIC_CATALOG[topic].partitions).toBe(3);
      const keys = new Map<string, { partitions: Set<number>; lines: number[] }>();
      for (const m of [...messages].sort(byOffset)) {
        const entry = keys.get(m.key ?? "") ?? { partitions: new Set<number>(), lines: [] };
        keys.set(m.key ?? "", entry);
        entry.partitions.add(m.partition);
        entry.lines.push(RawRecord.parse(JSON.parse(m.value ?? "")).provenance.line);
      }
      return { keys, partitions: new Set(messages.map((m) => m.partition)) };
    };
    const customs = await byKey("customsRaw");
    expect([...customs.keys.keys()].sort()).toEqual(
      [...facts.map(({ partner, period }) => `SG|${partner}|import|854231|${period}|-|-|-|HS`), "revisions.csv:50"].sort(),
    );
    for (const [key, { partitions, lines: at }] of customs.keys) {
      expect(partitions.size, key).toBe(1);
      // in file order: the first line, its copy, the figure of the same date, the newer one
      expect(at, key).toEqual(key === "revisions.csv:50" ? [50] : [0, 1, 2, 3].map((r) => (at[0] ?? 0) + r * facts.length));
    }
    // the facts spread over the partitions: the key decides the partition, not the file
    expect(customs.partitions.size).toBeGreaterThan(1);

    const asml = await byKey("revenueRaw");
    expect([...asml.keys.keys()].sort()).toEqual(["ASML|FY2024-Q3|CN", "ASML|FY2024-Q3|TW"]);
    expect(asml.keys.get("ASML|FY2024-Q3|TW")?.lines).toEqual([2, 4]);
    expect(asml.keys.get("ASML|FY2024-Q3|TW")?.partitions.size).toBe(1);
  });
});

const byOffset = (a: IncomingMessage, b: IncomingMessage) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset));
