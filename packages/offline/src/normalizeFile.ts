import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { type Format, type Mapping, MemoryRevisionStore, type NormalizeOptions, NormalizeStage } from "@entrepot/normalize";
import type { Feed } from "@entrepot/schemas";
import type { CleanEnvelope } from "./cleanDump";
import { stageFile } from "./stageFile";

export interface NormalizeFileOptions {
  file: string;
  /** clean facts, JSON lines `{"feed","key","value"}` (`CleanEnvelope`: the key and value as on the clean topics; `analyzeFiles` reads them) */
  out: string;
  /** dead letters, JSON lines (the rejection schema) */
  rejects: string;
  feed?: Feed;
  format?: Exclude<Format, "mapping">;
  mapping?: Mapping;
  /** FX rates and the other normalization options, as the normalizer service takes them */
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
 * one file, without Kafka or Redis (revisions in memory). Clean facts go to `out`, dead letters
 * of both stages to `rejects`.
 */
export async function normalizeFile(options: NormalizeFileOptions): Promise<OfflineReport> {
  const cleanOut = createWriteStream(options.out);
  const rejectOut = createWriteStream(options.rejects);
  const stage = new NormalizeStage({ revisions: new MemoryRevisionStore(), normalize: options.normalize });
  const report: OfflineReport = { read: 0, clean: 0, rejected: 0, duplicates: 0, byReason: {} };
  try {
    for await (const row of stageFile(options.file, stage, {
      ingestRun: `offline-${new Date().toISOString()}`,
      ...(options.feed ? { feed: options.feed } : {}),
      ...(options.format ? { format: options.format } : {}),
      ...(options.mapping ? { mapping: options.mapping } : {}),
    })) {
      report.read += 1;
      if (row.outcome === "duplicate") report.duplicates += 1;
      else if (row.outcome === "clean") {
        report.clean += 1;
        const { fact, key } = row;
        const envelope: CleanEnvelope =
          fact.feed === "revenue" ? { feed: "revenue", key, value: fact.record } : { feed: "customs", key, value: fact.record };
        await writeLine(cleanOut, envelope);
      } else {
        report.rejected += 1;
        report.byReason[row.reason] = (report.byReason[row.reason] ?? 0) + 1;
        await writeLine(rejectOut, row.rejection);
      }
    }
  } finally {
    await Promise.all([close(cleanOut), close(rejectOut)]);
  }
  return report;
}
