import { basename } from "node:path";
import { ingestRejection, rawRecordOf, readFeed } from "@entrepot/feeds";
import type { Format, Mapping, NormalizeStage, StageOutcome } from "@entrepot/normalize";
import type { Feed } from "@entrepot/schemas";

export interface StageFileOptions {
  /** the feed expected; a file of the other feed's layout is one `unknown_format` rejection */
  feed?: Feed;
  /** read the file as this layout instead of detecting it */
  format?: Exclude<Format, "mapping">;
  /** read any other layout through a mapping */
  mapping?: Mapping;
  /** the ingest run the provenance names */
  ingestRun: string;
}

/** What became of one row of a file, and at which stage (the ingest stage only rejects: rows `readFeed` cannot read). */
export type RowOutcome = StageOutcome & { line: number; stage: "ingest" | "normalize" };

/**
 * A file through the pipeline's first two stages in one process, as the ingestor and the
 * normalizer run them on Kafka: `readFeed` -> raw records (ingest dead letters for rows it cannot
 * read) -> `NormalizeStage` (clean, duplicate or dead letter). Each outcome's revision is
 * committed when the next row is asked for, i.e. once the caller has written the outcome.
 */
export async function* stageFile(file: string, stage: NormalizeStage, options: StageFileOptions): AsyncGenerator<RowOutcome> {
  const name = basename(file);
  const origin = { source: name, file: name, ingestRun: options.ingestRun };
  let format: string = options.format ?? "unknown";
  const rows = readFeed(file, {
    ...(options.feed ? { feed: options.feed } : {}),
    ...(options.format ? { format: options.format } : {}),
    ...(options.mapping ? { mapping: options.mapping } : {}),
  });
  for await (const row of rows) {
    if (row.kind === "problem") {
      yield { line: row.line, stage: "ingest", outcome: "rejected", reason: row.reason, rejection: ingestRejection(row, origin, format) };
      continue;
    }
    format = row.format;
    const [outcome] = await stage.process([{ ok: true, raw: rawRecordOf(row, origin) }]);
    yield { line: row.line, stage: "normalize", ...(outcome as StageOutcome) };
    await stage.commit();
  }
}
