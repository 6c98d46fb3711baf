import { randomUUID } from "node:crypto";
import { basename } from "node:path";
import type { JsonProducer, OutgoingMessage } from "@entrepot/kafka";
import { type Feed, HEADERS, type RawRecord, type Rejection, rawRecordKey, topicName } from "@entrepot/schemas";
import { csvRows } from "./csvRows";

export interface IngestOptions {
  producer: JsonProducer;
  topicPrefix: string;
  file: string;
  feed: Feed;
  /** provenance source label (default: the file name) */
  source?: string;
  ingestRun?: string;
  batchSize?: number;
  onProgress?: (p: IngestReport) => void;
}

/** Reconciliation of one ingest run: read = published + rejected. */
export interface IngestReport {
  ingestRun: string;
  file: string;
  read: number;
  published: number;
  rejected: number;
  byReason: Record<string, number>;
}

/** Reads a CSV feed file and publishes raw records (and source-side rejections) in acknowledged batches. */
export async function ingestFile(options: IngestOptions): Promise<IngestReport> {
  const ingestRun = options.ingestRun ?? randomUUID();
  const file = basename(options.file);
  const rawTopic = topicName(options.topicPrefix, options.feed === "revenue" ? "revenueRaw" : "customsRaw");
  const rejectTopic = topicName(options.topicPrefix, "rejects");
  const report: IngestReport = { ingestRun, file, read: 0, published: 0, rejected: 0, byReason: {} };
  const headers = { [HEADERS.schemaVersion]: "1", [HEADERS.ingestRun]: ingestRun };
  const provenance = (line: number) => ({ source: options.source ?? file, file, line, ingestRun, format: `${options.feed}-csv` });
  let batch: OutgoingMessage[] = [];
  let pending = { published: 0, rejected: 0 };
  const flush = async () => {
    await options.producer.send(batch);
    report.published += pending.published;
    report.rejected += pending.rejected;
    batch = [];
    pending = { published: 0, rejected: 0 };
    options.onProgress?.(report);
  };
  for await (const row of csvRows(options.file)) {
    report.read += 1;
    if (row.kind === "record") {
      const value: RawRecord = { schemaVersion: 1, feed: options.feed, provenance: provenance(row.line), fields: row.fields };
      batch.push({ topic: rawTopic, key: rawRecordKey(value), value, headers });
      pending.published += 1;
    } else {
      const value: Rejection = {
        schemaVersion: 1,
        stage: "ingest",
        reason: row.reason,
        message: row.message,
        raw: row.raw,
        provenance: provenance(row.line),
        rejectedAt: new Date().toISOString(),
      };
      batch.push({
        topic: rejectTopic,
        key: `${file}:${row.line}`,
        value,
        headers: { ...headers, [HEADERS.dlqStage]: "ingest", [HEADERS.dlqReason]: row.reason },
      });
      pending.rejected += 1;
      report.byReason[row.reason] = (report.byReason[row.reason] ?? 0) + 1;
    }
    if (batch.length >= (options.batchSize ?? 500)) await flush();
  }
  await flush();
  return report;
}
