import { createReadStream } from "node:fs";
import type { ReasonCode } from "@entrepot/schemas";
import { parse } from "csv-parse";

export type CsvRow =
  | { kind: "record"; line: number; fields: Record<string, string> }
  | { kind: "problem"; line: number; reason: ReasonCode; message: string; raw: string };

export interface CsvRowsOptions {
  /** a record longer than this many characters is rejected (default 1 MiB) */
  maxRecordSize?: number;
  delimiter?: string | string[];
}

/**
 * Streams a CSV file with a header row as records keyed by (trimmed, lower-cased) header name.
 * Rows whose column count differs from the header, and rows csv-parse cannot parse, come out
 * as problems with a reason code instead of stopping the stream. Backpressure comes from the
 * consumer of the async iterator.
 */
export async function* csvRows(file: string, options: CsvRowsOptions = {}): AsyncGenerator<CsvRow> {
  const problems: CsvRow[] = [];
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      delimiter: options.delimiter ?? [",", ";", "\t"],
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: options.maxRecordSize ?? 1024 * 1024,
      info: true,
      raw: true,
    }),
  );
  parser.on("skip", (err: Error & { code?: string; lines?: number; raw?: string }) => {
    const tooLarge = err.code === "CSV_MAX_RECORD_SIZE";
    problems.push({
      kind: "problem",
      line: err.lines ?? 0,
      reason: tooLarge ? "record_too_large" : "csv_parse_error",
      message: tooLarge ? `record exceeds ${options.maxRecordSize ?? 1024 * 1024} characters` : err.message,
      raw: (err.raw ?? "").slice(0, 2000),
    });
  });
  let header: string[] | undefined;
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
    while (problems.length > 0) yield problems.shift() as CsvRow;
    const { record, info, raw } = item;
    if (!header) {
      header = record.map((h) => h.trim().toLowerCase());
      continue;
    }
    const line = info.lines;
    if (record.length !== header.length) {
      yield {
        kind: "problem",
        line,
        reason: "column_count",
        message: `row has ${record.length} columns, header has ${header.length}`,
        raw: raw.replace(/\r?\n$/, ""),
      };
      continue;
    }
    const fields: Record<string, string> = {};
    header.forEach((h, i) => {
      fields[h] = record[i] ?? "";
    });
    yield { kind: "record", line, fields };
  }
  while (problems.length > 0) yield problems.shift() as CsvRow;
}
