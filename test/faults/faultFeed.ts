import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A tiny deterministic revenue feed for the fault suite: every row is either valid (its natural
 * key `company|fiscal period|region` is known) or invalid with a known reason code and stage, so a
 * run can be reconciled row by row. Written as several CSV chunks (files), ingested one after the
 * other, so faults can be injected between them ("mid-stream").
 */

/** xorshift32 on a scrambled seed (nearby seeds give unrelated streams): uniforms in [0, 1). */
export function seededRandom(seed: number): () => number {
  let x = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
  for (let i = 0; i < 8; i++) next();
  return next;
}

/** An integer in [lo, hi] from a uniform draw. */
export function seededInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** Regions every company reports: [canonical id on the clean topic, label written in the feed, base share]. */
const REGIONS: readonly (readonly [string, string, number])[] = [
  ["SG", "Singapore", 0.1],
  ["US", "United States", 0.4],
  ["TW", "Taiwan", 0.2],
  ["JP", "Japan", 0.15],
  ["GROUP:OTHER", "Other countries", 0.15],
];
const HEADER = "company,fiscal_period,region,revenue,scale,basis,reported_at";
const FIRST_YEAR = 2019;

/** Invalid rows, in turn: what is written, and the reason code and stage the pipeline must give. */
const INVALID_KINDS: readonly { reason: string; stage: "ingest" | "normalize"; row: (c: string, fp: string) => string }[] = [
  { reason: "bad_number", stage: "normalize", row: (c, fp) => `${c},${fp},Singapore,12abc,millions,billing,2023-01-15` },
  // a label nobody recognises is kept as an opaque region; a number where the label goes is no region
  { reason: "unknown_region", stage: "normalize", row: (c, fp) => `${c},${fp},4711,100.0,millions,billing,2023-01-15` },
  { reason: "bad_fiscal_period", stage: "normalize", row: (c) => `${c},FY2020-Q7,Japan,100.0,millions,billing,2023-01-15` },
  { reason: "negative_value", stage: "normalize", row: (c, fp) => `${c},${fp},Taiwan,"(1,234.5)",millions,billing,2023-01-15` },
  { reason: "bad_scale", stage: "normalize", row: (c, fp) => `${c},${fp},Japan,100.0,dozens,billing,2023-01-15` },
  { reason: "bad_date", stage: "normalize", row: (c, fp) => `${c},${fp},Japan,100.0,millions,billing,2023-13-45` },
  { reason: "column_count", stage: "ingest", row: (c, fp) => `${c},${fp},Japan,100.0,millions,billing,2023-01-15,extra` },
];

export interface FaultFeedOptions {
  seed: number;
  companies: number;
  /** fiscal quarters per company, from FY2019-Q1 (at least 12, so the share-shift rule has its history) */
  quarters: number;
  /** companies per chunk file */
  companiesPerChunk: number;
  /** one invalid row after every this many valid rows */
  invalidEvery: number;
}

export const DEFAULT_FEED: FaultFeedOptions = { seed: 13, companies: 60, quarters: 16, companiesPerChunk: 6, invalidEvery: 40 };

export interface ExpectedReject {
  reason: string;
  stage: "ingest" | "normalize";
}

export interface FaultFeed {
  /** chunk files in ingest order (absolute paths) */
  files: string[];
  /** valid rows: natural keys of the clean records they must become */
  cleanKeys: string[];
  /** invalid rows by `file:line` (file = base name, line 1 = header) */
  rejects: Map<string, ExpectedReject>;
  /** every row written (header lines excluded) as `file:line` */
  rowPositions: string[];
  /** companies whose Singapore share jumps (so alerts are raised for them) */
  shifted: string[];
}

const fiscalPeriod = (i: number) => `FY${FIRST_YEAR + Math.floor(i / 4)}-Q${(i % 4) + 1}`;
const reportedAt = (i: number) => {
  const year = FIRST_YEAR + Math.floor(i / 4);
  return ["", `${year}-05-15`, `${year}-08-14`, `${year}-11-14`, `${year + 1}-02-14`][(i % 4) + 1] as string;
};

/**
 * Builds the rows of a feed (pure): company-major order so a company's filings arrive together;
 * every sixth company's Singapore share jumps from 10 % to about 28 % for the last four quarters.
 */
export function buildFeedChunks(options: FaultFeedOptions): {
  chunks: { name: string; lines: string[] }[];
  cleanKeys: string[];
  rejects: Map<string, ExpectedReject>;
  rowPositions: string[];
  shifted: string[];
} {
  const random = seededRandom(options.seed);
  const chunks: { name: string; lines: string[] }[] = [];
  const cleanKeys: string[] = [];
  const rejects = new Map<string, ExpectedReject>();
  const shifted: string[] = [];
  const rowPositions: string[] = [];
  let valid = 0;
  let invalid = 0;
  for (let c = 0; c < options.companies; c++) {
    const chunkIndex = Math.floor(c / options.companiesPerChunk);
    if (!chunks[chunkIndex])
      chunks[chunkIndex] = { name: `faults-${options.seed}-${String(chunkIndex).padStart(3, "0")}.csv`, lines: [HEADER] };
    const chunk = chunks[chunkIndex] as { name: string; lines: string[] };
    const company = `FLT${String(c + 1).padStart(3, "0")}`;
    const shifts = c % 6 === 1;
    if (shifts) shifted.push(company);
    const start = options.quarters - 4;
    for (let q = 0; q < options.quarters; q++) {
      const total = 1000 * 1.02 ** q;
      const sgShare = shifts && q >= start ? 0.28 : 0.1;
      const rest = (1 - sgShare) / 0.9;
      for (const [id, label, base] of REGIONS) {
        const share = id === "SG" ? sgShare : base * rest;
        const noise = 1 + (random() - 0.5) * 0.04;
        const amount = (total * share * noise).toFixed(1);
        chunk.lines.push(`${company},${fiscalPeriod(q)},${label},${amount},millions,billing,${reportedAt(q)}`);
        rowPositions.push(`${chunk.name}:${chunk.lines.length}`);
        cleanKeys.push(`${company}|${fiscalPeriod(q)}|${id}`);
        valid++;
        if (valid % options.invalidEvery === 0) {
          const kind = INVALID_KINDS[invalid % INVALID_KINDS.length] as (typeof INVALID_KINDS)[number];
          chunk.lines.push(kind.row(company, fiscalPeriod(q)));
          rowPositions.push(`${chunk.name}:${chunk.lines.length}`);
          rejects.set(`${chunk.name}:${chunk.lines.length}`, { reason: kind.reason, stage: kind.stage });
          invalid++;
        }
      }
    }
  }
  return { chunks, cleanKeys, rejects, rowPositions, shifted };
}

/** The feed whose chunks are (or will be) in `dir`: what each row must become, without writing anything. */
export function faultFeedIn(dir: string, options: FaultFeedOptions = DEFAULT_FEED): FaultFeed {
  const { chunks, ...feed } = buildFeedChunks(options);
  return { files: chunks.map((c) => join(dir, c.name)), ...feed };
}

/** Writes the chunks under `dir` and returns the feed. */
export function writeFaultFeed(dir: string, options: FaultFeedOptions = DEFAULT_FEED): FaultFeed {
  mkdirSync(dir, { recursive: true });
  const { chunks } = buildFeedChunks(options);
  for (const chunk of chunks) writeFileSync(join(dir, chunk.name), `${chunk.lines.join("\n")}\n`);
  return faultFeedIn(dir, options);
}
