import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { applyMapping, compactKey, detectFormat, type Format, feedOfFormat, type Mapping, missingMappedColumns } from "@entrepot/normalize";
import type { Feed, ReasonCode } from "@entrepot/schemas";
import { parse } from "csv-parse";
import { Decode, LineCap, type OversizedLine } from "./lineCap";
import { detectDelimiter, excerpt, type Sniffed, sniffBytes } from "./sniff";

export type SourceRow =
  | { kind: "record"; line: number; feed: Feed; format: string; fields: Record<string, string> }
  | { kind: "problem"; line: number; reason: ReasonCode; message: string; raw: string };

/** How a file was read, known once its header is. */
export interface FeedLayout {
  container: "csv" | "json-lines" | "json-document" | "binary" | "empty";
  format?: string;
  feed?: Feed;
  encoding?: Sniffed["encoding"];
  delimiter?: string;
}

export interface ReadFeedOptions {
  /** the feed the caller expects; a file whose layout belongs to the other feed is rejected */
  feed?: Feed;
  /** skip detection: read the file as this layout */
  format?: Exclude<Format, "mapping">;
  /** read any other CSV layout through a mapping file */
  mapping?: Mapping;
  /** a physical line (CSV, JSON lines) or CSV record longer than this is `record_too_large` (default 1 MiB) */
  maxRecordBytes?: number;
  /** a whole-document JSON file larger than this is `record_too_large` (default 64 MiB) */
  maxJsonDocumentBytes?: number;
  onLayout?: (layout: FeedLayout) => void;
  /** called as the file is read, with the bytes read so far (for progress: compare with the file size) */
  onBytesRead?: (bytes: number) => void;
}

const SAMPLE_BYTES = 64 * 1024;
const MiB = 1024 * 1024;

const problem = (line: number, reason: ReasonCode, message: string, raw: string): SourceRow => ({
  kind: "problem",
  line,
  reason,
  message,
  raw: excerpt(raw),
});

/** JSON values as the text fields a raw record carries: null -> "", numbers and booleans as written. */
function textFields(obj: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k.trim().toLowerCase()] = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** Resolves the layout of a header: explicit format, mapping, or detection; a problem when none fits. */
function resolveLayout(
  header: string[],
  options: ReadFeedOptions,
): { format: string; feed: Feed } | { reason: ReasonCode; message: string } {
  if (options.mapping) {
    const missing = missingMappedColumns(options.mapping, header);
    if (missing.length > 0)
      return {
        reason: "unknown_format",
        message: `header lacks the columns mapping "${options.mapping.name}" reads: ${missing.join(", ")}`,
      };
    return { format: `mapping:${options.mapping.name}`, feed: options.mapping.feed };
  }
  const format = options.format ?? detectFormat(header);
  if (!format) {
    return {
      reason: "unknown_format",
      message:
        "header matches no known layout (revenue-csv, customs-csv, comtrade, comtrade-legacy, census-json); give --format or a mapping file",
    };
  }
  const feed = feedOfFormat(format);
  if (options.feed && options.feed !== feed)
    return { reason: "unknown_format", message: `layout ${format} is a ${feed} feed, not ${options.feed}` };
  return { format, feed };
}

/**
 * Reads a feed file of any supported layout as raw records and source-side problems, streaming
 * with bounded memory, never throwing on bad content: CSV (`,` `;` or tab, BOM, CRLF, quotes and
 * embedded newlines), JSON lines, and JSON documents (Census array of arrays, Comtrade `{data: []}`).
 * A file whose layout cannot be recognized is one `unknown_format` problem; binary content is one
 * `binary_data` problem.
 */
export async function* readFeed(file: string, options: ReadFeedOptions = {}): AsyncGenerator<SourceRow> {
  const size = (await stat(file)).size;
  const fh = await open(file, "r");
  const sampleBuf = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
  try {
    await fh.read(sampleBuf, 0, sampleBuf.length, 0);
  } finally {
    await fh.close();
  }
  if (size === 0) {
    options.onLayout?.({ container: "empty" });
    return;
  }

  const sniffed = sniffBytes(sampleBuf);
  // bytes read so far, counted as the read stream hands them on (includes the BOM it skips)
  const countBytes: CountBytes = (stream) => {
    const report = options.onBytesRead;
    if (!report) return;
    let bytes = sniffed.bomBytes;
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      report(bytes);
    });
  };
  if (sniffed.binary) {
    options.onLayout?.({ container: "binary" });
    options.onBytesRead?.(size);
    yield problem(
      1,
      "binary_data",
      "file holds binary data (NUL bytes or control characters), not a text feed",
      sampleBuf.subarray(0, 200).toString("latin1"),
    );
    return;
  }
  const sampleText = new TextDecoder(sniffed.encoding).decode(sampleBuf.subarray(sniffed.bomBytes));
  if (size <= SAMPLE_BYTES && sampleText.trim() === "") {
    options.onLayout?.({ container: "empty", encoding: sniffed.encoding });
    options.onBytesRead?.(size);
    return;
  }
  const first = sampleText.trimStart()[0];
  if (first === "[" || first === "{") {
    const firstLine = sampleText.trimStart().split("\n", 1)[0] ?? "";
    let isJsonLines = false;
    if (first === "{") {
      try {
        const v: unknown = JSON.parse(firstLine);
        isJsonLines =
          typeof v === "object" && v !== null && !Array.isArray(v) && !("data" in v && Array.isArray((v as { data: unknown }).data));
      } catch {
        isJsonLines = false;
      }
    }
    if (isJsonLines) yield* readJsonLines(file, sniffed, options, countBytes);
    else {
      yield* readJsonDocument(file, size, sniffed, options);
      options.onBytesRead?.(size);
    }
    return;
  }
  yield* readCsv(file, sniffed, sampleText, options, countBytes);
}

type CountBytes = (stream: NodeJS.ReadableStream) => void;

async function* readCsv(
  file: string,
  sniffed: Sniffed,
  sampleText: string,
  options: ReadFeedOptions,
  countBytes: CountBytes,
): AsyncGenerator<SourceRow> {
  const maxRecordBytes = options.maxRecordBytes ?? MiB;
  const delimiter = detectDelimiter(sampleText.split("\n", 1)[0] ?? "");
  const queued: SourceRow[] = [];
  const oversized = (o: OversizedLine) => queued.push(oversizedRow(o, maxRecordBytes));
  const source = createReadStream(file, { start: sniffed.bomBytes });
  countBytes(source);
  const cap = new LineCap(maxRecordBytes, oversized);
  const decode = new Decode(sniffed.encoding);
  const parser = parse({
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: maxRecordBytes,
    info: true,
    raw: true,
  });
  parser.on("skip", (err: Error & { code?: string; lines?: number; raw?: string }) => {
    const tooLarge = err.code === "CSV_MAX_RECORD_SIZE";
    queued.push(
      problem(
        err.lines ?? 0,
        tooLarge ? "record_too_large" : "csv_parse_error",
        tooLarge ? `record exceeds ${maxRecordBytes} characters` : err.message,
        err.raw ?? "",
      ),
    );
  });
  // errors on the byte side (file vanished, permission) end the parser with that error
  const fail = (err: Error) => parser.destroy(err);
  source.on("error", fail);
  cap.on("error", fail);
  decode.on("error", fail);
  source.pipe(cap).pipe(decode).pipe(parser);

  let header: string[] | undefined;
  let keys: string[] = [];
  let layout: { format: string; feed: Feed } | undefined;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      const { record, info, raw } = item;
      // csv-parse counts lines up to the end of the record; provenance wants the line it starts on
      const inner =
        raw
          .replace(/^[\r\n]+/, "")
          .replace(/(\r\n|\n|\r)$/, "")
          .match(/\r\n|\n|\r/g)?.length ?? 0;
      const line = info.lines - inner;
      // problems found so far that lie before this record come out first, in file order
      queued.sort((a, b) => a.line - b.line);
      while (queued.length > 0 && (queued[0] as SourceRow).line < line) yield queued.shift() as SourceRow;
      if (!header) {
        header = record.map((h, i) => h.trim() || `column_${i + 1}`);
        keys = header.map((h) => h.toLowerCase());
        const resolved = resolveLayout(header, options);
        if ("reason" in resolved) {
          options.onLayout?.({ container: "csv", encoding: sniffed.encoding, delimiter });
          yield problem(line, resolved.reason, resolved.message, raw);
          source.destroy();
          return;
        }
        layout = resolved;
        options.onLayout?.({ container: "csv", ...layout, encoding: sniffed.encoding, delimiter });
        continue;
      }
      const row = toRow(record, raw, line, header, keys, layout as { format: string; feed: Feed }, options.mapping);
      yield row;
    }
  } catch (err) {
    // an unrecoverable parse error (e.g. a quote never closed before the end of the file)
    while (queued.length > 0) yield queued.shift() as SourceRow;
    const e = err as Error & { lines?: number; code?: string };
    yield problem(e.lines ?? 0, "csv_parse_error", e.message, "");
    return;
  } finally {
    source.destroy();
  }
  while (queued.length > 0) yield queued.shift() as SourceRow;
  if (!header) options.onLayout?.({ container: "empty", encoding: sniffed.encoding, delimiter });
}

function toRow(
  record: string[],
  raw: string,
  line: number,
  header: string[],
  keys: string[],
  layout: { format: string; feed: Feed },
  mapping: Mapping | undefined,
): SourceRow {
  const text = raw.replace(/^[\r\n]+/, "").replace(/\r?\n$/, "");
  let cells = record;
  // Comtrade portal CSVs end every data line with a comma: one empty field more than the header
  if (cells.length === header.length + 1 && cells[cells.length - 1] === "") cells = cells.slice(0, -1);
  if (cells.length !== header.length) {
    return problem(line, "column_count", `row has ${cells.length} columns, header has ${header.length}`, text);
  }
  if (text.includes("\uFFFD")) return problem(line, "bad_encoding", "row holds bytes that are not valid UTF-8", text);
  if (text.includes("\u0000")) return problem(line, "binary_data", "row holds NUL bytes", text);
  const fields: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = cells[i] ?? "";
    const compact = compactKey(key) || key;
    const earlier = seen.get(compact);
    if (earlier !== undefined) {
      if (earlier.trim() !== value.trim()) {
        return problem(
          line,
          "duplicate_column",
          `column "${header[i]}" appears twice in the header with different values ("${earlier}", "${value}")`,
          text,
        );
      }
      continue;
    }
    seen.set(compact, value);
    fields[key] = value;
  }
  return { kind: "record", line, feed: layout.feed, format: layout.format, fields: mapping ? applyMapping(mapping, fields) : fields };
}

async function* readJsonLines(file: string, sniffed: Sniffed, options: ReadFeedOptions, countBytes: CountBytes): AsyncGenerator<SourceRow> {
  const maxRecordBytes = options.maxRecordBytes ?? MiB;
  const queued: SourceRow[] = [];
  const source = createReadStream(file, { start: sniffed.bomBytes });
  countBytes(source);
  const cap = new LineCap(maxRecordBytes, (o) => queued.push(oversizedRow(o, maxRecordBytes)));
  const decode = new Decode(sniffed.encoding);
  source.on("error", (err) => decode.destroy(err));
  cap.on("error", (err) => decode.destroy(err));
  source.pipe(cap).pipe(decode);
  options.onLayout?.({ container: "json-lines", encoding: sniffed.encoding, ...(options.format ? { format: options.format } : {}) });
  let line = 0;
  let rest = "";
  const handle = (text: string): SourceRow | undefined => {
    line += 1;
    const t = text.replace(/\r$/, "");
    if (t.trim() === "") return undefined;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (err) {
      return problem(line, "bad_json", `line is not JSON: ${(err as Error).message}`, t);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return problem(line, "bad_json", "line is not a JSON object", t);
    return objectRow(value as Record<string, unknown>, line, t, options);
  };
  try {
    for await (const chunk of decode as AsyncIterable<Buffer | string>) {
      const parts = (rest + chunk.toString()).split("\n");
      rest = parts.pop() ?? "";
      for (const part of parts) {
        // an oversized line arrives as an empty line: its problem is queued, numbered by LineCap
        const row = handle(part);
        while (queued.length > 0) yield queued.shift() as SourceRow;
        if (row) yield row;
      }
    }
    if (rest !== "") {
      const row = handle(rest);
      if (row) yield row;
    }
    while (queued.length > 0) yield queued.shift() as SourceRow;
  } finally {
    source.destroy();
  }
}

function objectRow(obj: Record<string, unknown>, line: number, raw: string, options: ReadFeedOptions): SourceRow {
  const fields = textFields(obj);
  const resolved = resolveLayout(Object.keys(obj), options);
  if ("reason" in resolved) return problem(line, resolved.reason, resolved.message, raw);
  return {
    kind: "record",
    line,
    feed: resolved.feed,
    format: resolved.format,
    fields: options.mapping ? applyMapping(options.mapping, fields) : fields,
  };
}

async function* readJsonDocument(file: string, size: number, sniffed: Sniffed, options: ReadFeedOptions): AsyncGenerator<SourceRow> {
  const maxBytes = options.maxJsonDocumentBytes ?? 64 * MiB;
  if (size > maxBytes) {
    options.onLayout?.({ container: "json-document", encoding: sniffed.encoding });
    yield problem(
      1,
      "record_too_large",
      `JSON document has ${size} bytes, more than the ${maxBytes}-byte cap (use JSON lines for large feeds)`,
      "",
    );
    return;
  }
  const fh = await open(file, "r");
  let text: string;
  try {
    const buf = await fh.readFile();
    text = new TextDecoder(sniffed.encoding).decode(buf.subarray(sniffed.bomBytes));
  } finally {
    await fh.close();
  }
  const layout = (format?: string, feed?: Feed) =>
    options.onLayout?.({
      container: "json-document",
      encoding: sniffed.encoding,
      ...(format ? { format } : {}),
      ...(feed ? { feed } : {}),
    });
  layout(options.format);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    yield problem(1, "bad_json", `file is not valid JSON: ${(err as Error).message}`, text.slice(0, 500));
    return;
  }
  // Comtrade API response: { elapsedTime, count, data: [...], error }
  const items: unknown[] | undefined = Array.isArray(doc)
    ? doc
    : typeof doc === "object" && doc !== null && Array.isArray((doc as { data?: unknown }).data)
      ? ((doc as { data: unknown[] }).data as unknown[])
      : undefined;
  if (!items) {
    yield problem(1, "unknown_format", "JSON document is neither an array nor an object with a data array", text.slice(0, 500));
    return;
  }
  // Census API: array of arrays, the first row the field names. Lines are element numbers (header = 1).
  if (Array.isArray(items[0])) {
    const header = (items[0] as unknown[]).map((h) => String(h));
    const resolved = resolveLayout(header, options);
    if ("reason" in resolved) {
      yield problem(1, resolved.reason, resolved.message, JSON.stringify(items[0]));
      return;
    }
    layout(resolved.format, resolved.feed);
    const keys = header.map((h) => h.trim().toLowerCase());
    for (let i = 1; i < items.length; i++) {
      const row = items[i];
      const raw = JSON.stringify(row);
      if (!Array.isArray(row)) {
        yield problem(i + 1, "bad_json", "row is not an array", raw);
        continue;
      }
      if (row.length !== keys.length) {
        yield problem(i + 1, "column_count", `row has ${row.length} values, header has ${keys.length}`, raw);
        continue;
      }
      const fields: Record<string, string> = {};
      keys.forEach((k, j) => {
        const v = row[j];
        fields[k] = v === null || v === undefined ? "" : String(v);
      });
      yield {
        kind: "record",
        line: i + 1,
        feed: resolved.feed,
        format: resolved.format,
        fields: options.mapping ? applyMapping(options.mapping, fields) : fields,
      };
    }
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const raw = JSON.stringify(item) ?? "";
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      yield problem(i + 1, "bad_json", "element is not a JSON object", raw);
      continue;
    }
    yield objectRow(item as Record<string, unknown>, i + 1, raw, options);
  }
}

/** The dead-letter row for a line longer than the size cap (only its head is kept). */
function oversizedRow(o: OversizedLine, maxRecordBytes: number): SourceRow {
  return problem(
    o.line,
    "record_too_large",
    `line ${o.line} has ${o.bytes} bytes, more than the ${maxRecordBytes}-byte cap`,
    o.head.toString("latin1"),
  );
}
