import type { Feed, RawRecord } from "@entrepot/schemas";

/** A raw record as the ingestor publishes it, for tests. */
export function rawRecord(feed: Feed, format: string, fields: Record<string, string>, line = 2): RawRecord {
  return { schemaVersion: 1, feed, provenance: { source: "test", file: "test.csv", line, ingestRun: "run-1", format }, fields };
}
