import { readFileSync } from "node:fs";
import { type Mapping, parseMapping } from "@entrepot/normalize";
import type { RawRecord, Rejection } from "@entrepot/schemas";
import type { SourceRow } from "./feedReader";

/** The provenance every row of one reading of a file carries (with its line and layout). */
export interface FeedOrigin {
  /** provenance source label (usually the file name) */
  source: string;
  /** the file's name */
  file: string;
  ingestRun: string;
}

export type SourceRecord = Extract<SourceRow, { kind: "record" }>;
export type SourceProblem = Extract<SourceRow, { kind: "problem" }>;

/** A record row as the raw record the ingestor publishes and the normalize stage reads. */
export function rawRecordOf(row: SourceRecord, origin: FeedOrigin): RawRecord {
  return {
    schemaVersion: 1,
    feed: row.feed,
    provenance: { source: origin.source, file: origin.file, line: row.line, ingestRun: origin.ingestRun, format: row.format },
    fields: row.fields,
  };
}

/** A problem row as its ingest-stage dead letter; `format` is the layout read so far ("unknown" before any). */
export function ingestRejection(row: SourceProblem, origin: FeedOrigin, format: string, rejectedAt = new Date().toISOString()): Rejection {
  return {
    schemaVersion: 1,
    stage: "ingest",
    reason: row.reason,
    message: row.message,
    raw: row.raw,
    provenance: { source: origin.source, file: origin.file, line: row.line, ingestRun: origin.ingestRun, format },
    rejectedAt,
  };
}

/** Reads a mapping file (JSON, see docs/feeds.md); throws with every problem when it is not a valid mapping. */
export function readMappingFile(path: string): Mapping {
  return parseMapping(JSON.parse(readFileSync(path, "utf8")));
}
