import type { Feed, RawRecord } from "@entrepot/schemas";
import { type CustomsRow, companyName, generateCustoms, generateRevenue, HUBS, type RevenueRow } from "@entrepot/synthetic";

/** What one record of the stream is: a row of a feed as generated, a broken copy of one, or a later revision of a revenue row. */
export type WorkloadKind = "revenue" | "customs" | "invalid" | "revision";

export interface PlannedRecord {
  kind: WorkloadKind;
  feed: Feed;
  fields: Record<string, string>;
}

export interface Workload {
  records: PlannedRecord[];
  counts: Record<WorkloadKind, number>;
  /** the revenue companies, in generation order (SYN0001...) */
  companies: string[];
  quarters: number;
  months: number;
}

export interface WorkloadOptions {
  /** records in the stream */
  records: number;
  seed: number;
  /** fiscal quarters of revenue history the stream walks through (default 20) */
  quarters?: number;
}

/** The virtual source files of the stream: a raw record's provenance is `file:line`, the line the record's position + 2 (a header is line 1). */
export const WORKLOAD_FILES: Record<Feed, string> = { revenue: "latency-revenue.csv", customs: "latency-customs.csv" };

/** every INVALID_EVERY-th record is a broken copy of the next row (dead-lettered by the normalizer) */
export const INVALID_EVERY = 100;
/** every REVISION_EVERY-th record (offset by half) re-publishes an earlier revenue row with a new figure */
export const REVISION_EVERY = 80;
/** of the valid rows: revenue, the rest customs */
const REVENUE_SHARE = 0.8;
/** rows the synthetic generators give: a company's quarter (4 regions, fewer where quarters are missing), a hub's month (16) */
const ROWS_PER_COMPANY_QUARTER = 3.9;
const ROWS_PER_HUB_MONTH = 16;
/** how far back (in revenue rows) a revision reaches */
const REVISION_REACH = 20_000;

/** Broken copies of a row, in turn: each fails one check of the normalizer with its own reason code. */
const BREAKAGES: readonly ((row: PlannedRecord) => PlannedRecord)[] = [
  (r) => ({
    ...r,
    kind: "invalid",
    fields: { ...r.fields, [r.feed === "revenue" ? "region" : "period"]: r.feed === "revenue" ? "12345" : "2025-13" },
  }),
  (r) => ({ ...r, kind: "invalid", fields: { ...r.fields, [r.feed === "revenue" ? "revenue" : "value"]: "-250" } }),
  (r) => ({
    ...r,
    kind: "invalid",
    fields: { ...r.fields, [r.feed === "revenue" ? "fiscal_period" : "hs_code"]: r.feed === "revenue" ? "FY2025-Q5" : "85x231" },
  }),
];

/**
 * A steady stream of raw records as a feed system would publish them over time: the synthetic
 * revenue filings (every company's quarter in turn, by publication date, so the anomalies the
 * generator plants - level shifts, spikes, restatements - arrive as history accumulates and the
 * detector raises alerts during the run) interleaved with the synthetic customs months of the
 * watched goods (hubs' imports and exports), one broken row in INVALID_EVERY and one revision of
 * an earlier revenue row in REVISION_EVERY. Deterministic for a seed.
 */
export function latencyWorkload(options: WorkloadOptions): Workload {
  const quarters = options.quarters ?? 20;
  const total = options.records;
  const valid = total * (1 - 1 / INVALID_EVERY - 1 / REVISION_EVERY);
  const companyCount = Math.max(1, Math.ceil((valid * REVENUE_SHARE) / (quarters * ROWS_PER_COMPANY_QUARTER)));
  const months = Math.max(12, Math.ceil((valid * (1 - REVENUE_SHARE)) / (HUBS.length * ROWS_PER_HUB_MONTH)));
  const byPublication = (a: RevenueRow, b: RevenueRow) =>
    a.reported_at.localeCompare(b.reported_at) || a.fiscal_period.localeCompare(b.fiscal_period) || a.company.localeCompare(b.company);
  const revenue = generateRevenue({ seed: options.seed, companies: companyCount, quarters }).rows.sort(byPublication);
  const customs = generateCustoms({ seed: options.seed, hubs: HUBS.length, months }).rows.sort((a: CustomsRow, b: CustomsRow) =>
    a.period.localeCompare(b.period),
  );

  const records: PlannedRecord[] = [];
  const counts: Record<WorkloadKind, number> = { revenue: 0, customs: 0, invalid: 0, revision: 0 };
  const sentRevenue: RevenueRow[] = [];
  let ri = 0;
  let ci = 0;
  // the next row of whichever feed is behind in its own history, so both walk through time together
  const nextRow = (): PlannedRecord | undefined => {
    const revenueNext = ri < revenue.length && (ci >= customs.length || ri / revenue.length <= ci / customs.length);
    if (revenueNext) {
      const row = revenue[ri++] as RevenueRow;
      sentRevenue.push(row);
      return { kind: "revenue", feed: "revenue", fields: row };
    }
    if (ci < customs.length) return { kind: "customs", feed: "customs", fields: customs[ci++] as CustomsRow };
    return undefined;
  };
  for (let i = 0; i < total; i++) {
    let next: PlannedRecord | undefined;
    if (i % INVALID_EVERY === INVALID_EVERY - 1) {
      const row = nextRow();
      next = row && (BREAKAGES[Math.floor(i / INVALID_EVERY) % BREAKAGES.length] as (r: PlannedRecord) => PlannedRecord)(row);
    } else if (i % REVISION_EVERY === REVISION_EVERY / 2 && sentRevenue.length > 1) {
      const reach = Math.min(sentRevenue.length - 1, REVISION_REACH);
      const original = sentRevenue[sentRevenue.length - 1 - ((i * 7919) % reach)] as RevenueRow;
      next = {
        kind: "revision",
        feed: "revenue",
        fields: {
          ...original,
          revenue: (Number(original.revenue) * 1.02).toFixed(1),
          // published now: rows go out by publication date, so the latest one sent is never older than the original
          reported_at: (sentRevenue.at(-1) as RevenueRow).reported_at,
        },
      };
    } else next = nextRow();
    if (!next) break;
    records.push(next);
    counts[next.kind] += 1;
  }
  return { records, counts, companies: Array.from({ length: companyCount }, (_, i) => companyName(i)), quarters, months };
}

/** The raw record of the stream's `index`-th record, as the ingestor would publish it. */
export function rawRecordAt(workload: Workload, index: number, ingestRun: string): RawRecord {
  const r = workload.records[index] as PlannedRecord;
  return {
    schemaVersion: 1,
    feed: r.feed,
    provenance: {
      source: "bench-latency",
      file: WORKLOAD_FILES[r.feed],
      line: index + 2,
      ingestRun,
      format: r.feed === "revenue" ? "revenue-csv" : "customs-csv",
    },
    fields: r.fields,
  };
}

/** The stream position of a raw record's line (the inverse of rawRecordAt's numbering). */
export const indexOfLine = (line: number): number => line - 2;
