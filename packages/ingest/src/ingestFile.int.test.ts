import { statSync } from "node:fs";
import { join } from "node:path";
import { createKafka, ensureTopics, JsonProducer, readTopicToEnd } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { HEADERS, RawRecord, Rejection, topicDefinitions, topicName } from "@entrepot/schemas";
import { uniquePrefix } from "@entrepot/testkit";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ingestFile } from "./ingestFile";

const logger = createLogger({ name: "ingestor-int", level: "silent" });
const kafka = createKafka({ brokers: inject("kafkaBrokers").split(","), clientId: "ingestor-int", logger });
const producer = new JsonProducer(kafka);
afterAll(() => producer.close());
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
});
