import { once } from "node:events";
import { createWriteStream, readFileSync, type WriteStream } from "node:fs";
import { basename } from "node:path";
import { readFeed } from "@entrepot/ingestor";
import { type Format, type NormalizeOptions, normalizeRecord, parseMapping } from "@entrepot/normalize";
import { MemoryRevisionStore, RevisionGate } from "@entrepot/normalizer";
import type { Feed, Rejection } from "@entrepot/schemas";

export interface OfflineNormalizeOptions {
  file: string;
  out: string;
  rejects: string;
  feed?: Feed;
  format?: Exclude<Format, "mapping">;
  /** path of a mapping file (JSON) */
  mapping?: string;
  normalize?: NormalizeOptions;
}

/** The reconciliation of an offline run: read = clean + rejected + duplicates. */
export interface OfflineReport {
  read: number;
  clean: number;
  rejected: number;
  duplicates: number;
  byReason: Record<string, number>;
}

async function writeLine(out: WriteStream, value: unknown): Promise<void> {
  if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, "drain");
}

async function close(out: WriteStream): Promise<void> {
  out.end();
  await once(out, "finish");
}

/**
 * `entrepot normalize`: the same reading, normalization and revision code as the pipeline, over
 * one file, without Kafka or Redis. Clean facts go to `out` (JSON lines), dead letters to `rejects`.
 */
export async function offlineNormalize(options: OfflineNormalizeOptions): Promise<OfflineReport> {
  const mapping = options.mapping ? parseMapping(JSON.parse(readFileSync(options.mapping, "utf8"))) : undefined;
  const file = basename(options.file);
  const ingestRun = `offline-${new Date().toISOString()}`;
  const cleanOut = createWriteStream(options.out);
  const rejectOut = createWriteStream(options.rejects);
  const gate = new RevisionGate(new MemoryRevisionStore());
  const report: OfflineReport = { read: 0, clean: 0, rejected: 0, duplicates: 0, byReason: {} };
  let format = options.format ?? "unknown";
  const reject = async (value: Rejection) => {
    report.rejected += 1;
    report.byReason[value.reason] = (report.byReason[value.reason] ?? 0) + 1;
    await writeLine(rejectOut, value);
  };
  try {
    for await (const row of readFeed(options.file, {
      ...(options.feed ? { feed: options.feed } : {}),
      ...(options.format ? { format: options.format } : {}),
      ...(mapping ? { mapping } : {}),
    })) {
      report.read += 1;
      const rejectedAt = new Date().toISOString();
      if (row.kind === "problem") {
        await reject({
          schemaVersion: 1,
          stage: "ingest",
          reason: row.reason,
          message: row.message,
          raw: row.raw,
          provenance: { source: file, file, line: row.line, ingestRun, format },
          rejectedAt,
        });
        continue;
      }
      format = row.format;
      const provenance = { source: file, file, line: row.line, ingestRun, format: row.format };
      const result = normalizeRecord({ schemaVersion: 1, feed: row.feed, provenance, fields: row.fields }, options.normalize);
      if (!result.ok) {
        const p = result.problem;
        await reject({
          schemaVersion: 1,
          stage: "normalize",
          reason: p.reason,
          message: p.message,
          ...(p.field !== undefined ? { field: p.field } : {}),
          raw: row.fields,
          provenance,
          rejectedAt,
        });
        continue;
      }
      const [decision] = await gate.decide([result.record]);
      await gate.commit();
      if (decision?.decision === "duplicate") {
        report.duplicates += 1;
      } else if (decision?.decision === "stale") {
        await reject({
          schemaVersion: 1,
          stage: "normalize",
          reason: "stale_revision",
          message: `${decision.key} as of ${result.record.record.asOf} is older than the revision as of ${decision.previousAsOf}; ignored`,
          raw: result.record.record,
          provenance,
          rejectedAt,
        });
      } else {
        report.clean += 1;
        await writeLine(cleanOut, { feed: result.record.feed, key: decision?.key, value: result.record.record });
      }
    }
  } finally {
    await Promise.all([close(cleanOut), close(rejectOut)]);
  }
  return report;
}
