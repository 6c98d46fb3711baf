import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { type FeedLayout, ingestRejection, rawRecordOf, readFeed } from "@entrepot/feeds";
import { type JsonProducer, type TopicMessage, TopicWriter } from "@entrepot/kafka";
import type { Format, Mapping } from "@entrepot/normalize";
import { type Feed, HEADERS } from "@entrepot/schemas";
import { rawMessage } from "./rawMessage";

export interface IngestOptions {
  producer: JsonProducer;
  topicPrefix: string;
  file: string;
  /** the feed expected; a file of the other feed's layout is rejected as `unknown_format` */
  feed?: Feed;
  /** layout override (default: detected from the header) */
  format?: Exclude<Format, "mapping">;
  mapping?: Mapping;
  /** provenance source label (default: the file name) */
  source?: string;
  ingestRun?: string;
  batchSize?: number;
  maxRecordBytes?: number;
  onProgress?: (p: IngestReport) => void;
}

/** Reconciliation of one ingest run: read = published + rejected. */
export interface IngestReport {
  ingestRun: string;
  file: string;
  /** how the file was read: container, layout, encoding, delimiter */
  layout?: FeedLayout;
  read: number;
  published: number;
  /** published per feed (a JSON lines file may hold both) */
  publishedByFeed: Record<Feed, number>;
  rejected: number;
  byReason: Record<string, number>;
  /** bytes of the file (for progress) */
  bytes: number;
  /** bytes of the file read so far (at the end: all of it, unless reading stopped early, e.g. an unknown layout) */
  bytesRead: number;
}

/**
 * Reads a feed file of any supported layout and publishes raw records to the raw topic of their
 * feed, keyed by their fact's natural key (`rawMessage`), and source-side problems (broken CSV lines, oversized lines, bad encoding, unknown layout)
 * to the dead-letter topic, in acknowledged batches (backpressure: while one batch waits for its
 * acknowledgement the next is read; it is sent only once the previous one was acknowledged, so at
 * most two batches are held and batches are written in file order). The report counts acknowledged rows.
 */
export async function ingestFile(options: IngestOptions): Promise<IngestReport> {
  const ingestRun = options.ingestRun ?? randomUUID();
  const file = basename(options.file);
  const out = new TopicWriter(options.producer, options.topicPrefix);
  const bytes = (await stat(options.file)).size;
  const report: IngestReport = {
    ingestRun,
    file,
    read: 0,
    published: 0,
    publishedByFeed: { revenue: 0, customs: 0 },
    rejected: 0,
    byReason: {},
    bytes,
    bytesRead: 0,
  };
  const headers = { [HEADERS.schemaVersion]: "1", [HEADERS.ingestRun]: ingestRun };
  const origin = { source: options.source ?? file, file, ingestRun };
  let batch: TopicMessage[] = [];
  let pending = { published: 0, rejected: 0, revenue: 0, customs: 0 };
  let lastFormat = options.format ?? "unknown";
  // one batch in flight while the next is read: parsing overlaps the broker's acknowledgement
  let inFlight: Promise<void> = Promise.resolve();
  let failed: { err: unknown } | undefined;
  const flush = async () => {
    const sending = batch;
    const counts = pending;
    batch = [];
    pending = { published: 0, rejected: 0, revenue: 0, customs: 0 };
    await inFlight;
    if (failed) throw failed.err;
    inFlight = (sending.length > 0 ? out.send(sending) : Promise.resolve()).then(
      () => {
        report.published += counts.published;
        report.rejected += counts.rejected;
        report.publishedByFeed.revenue += counts.revenue;
        report.publishedByFeed.customs += counts.customs;
        options.onProgress?.(report);
      },
      (err: unknown) => {
        failed = { err };
      },
    );
  };
  const rows = readFeed(options.file, {
    ...(options.feed ? { feed: options.feed } : {}),
    ...(options.format ? { format: options.format } : {}),
    ...(options.mapping ? { mapping: options.mapping } : {}),
    ...(options.maxRecordBytes ? { maxRecordBytes: options.maxRecordBytes } : {}),
    onLayout: (layout) => {
      report.layout = layout;
    },
    onBytesRead: (n) => {
      report.bytesRead = n;
    },
  });
  for await (const row of rows) {
    report.read += 1;
    if (row.kind === "record") {
      lastFormat = row.format;
      batch.push(rawMessage(rawRecordOf(row, origin), headers));
      pending.published += 1;
      pending[row.feed] += 1;
    } else {
      const value = ingestRejection(row, origin, report.layout?.format ?? lastFormat);
      batch.push({
        topic: "rejects",
        key: `${file}:${row.line}`,
        value,
        headers: { ...headers, [HEADERS.dlqStage]: "ingest", [HEADERS.dlqErrorClass]: row.reason, [HEADERS.dlqReason]: row.reason },
      });
      pending.rejected += 1;
      report.byReason[row.reason] = (report.byReason[row.reason] ?? 0) + 1;
    }
    if (batch.length >= (options.batchSize ?? 1000)) await flush();
  }
  await flush();
  await inFlight;
  if (failed) throw failed.err;
  return report;
}
