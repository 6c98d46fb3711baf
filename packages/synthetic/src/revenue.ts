import type { AnomalyLabel, AnomalyType } from "./labels";
import { mulberry32, type Prng, subSeed } from "./prng";

/** Canonical revenue CSV columns (docs/feeds.md, layout `revenue-csv`). */
export const REVENUE_COLUMNS = ["company", "fiscal_period", "region", "revenue", "scale", "basis", "reported_at"] as const;
export type RevenueRow = Record<(typeof REVENUE_COLUMNS)[number], string>;

export interface RevenueGeneratorOptions {
  seed: number;
  companies: number;
  /** fiscal quarters per company, from FY`firstYear`-Q1 */
  quarters: number;
  /** sd of the log-normal noise on each region's amount (default 0.06) */
  noise?: number;
  firstYear?: number;
}

/**
 * Entity types in turn, so every run has each of them in fixed proportions: per 12 companies,
 * 3 noise-only, 2 spikes, 2 level shifts, one each of climb, drop, seasonality, restatement and
 * missing quarters.
 */
export const REVENUE_TYPE_CYCLE: readonly AnomalyType[] = [
  "noise",
  "spike",
  "level_shift",
  "noise",
  "gradual_climb",
  "spike",
  "drop",
  "level_shift",
  "seasonality",
  "noise",
  "restatement",
  "missing_quarters",
];

/** Regions a synthetic company reports: [canonical id, label written in the feed]. */
const NAMED_REGIONS: readonly (readonly [string, string])[] = [
  ["SG", "Singapore"],
  ["US", "United States"],
  ["TW", "Taiwan"],
  ["GROUP:CN+HK", "China (including Hong Kong)"],
  ["JP", "Japan"],
  ["KR", "Korea, Rep."],
  ["DE", "Germany"],
  ["IN", "India"],
  ["GROUP:EUROPE", "Europe"],
];
const OTHER: readonly [string, string] = ["GROUP:OTHER", "Other countries"];

/** Seasonal pattern of the labelled region by fiscal quarter, in units of the amplitude (mean 0). */
const SEASON = [-0.5, -0.25, -0.25, 1] as const;

export function fiscalPeriod(firstYear: number, i: number): string {
  return `FY${firstYear + Math.floor(i / 4)}-Q${(i % 4) + 1}`;
}

/** When quarter `i` is published: about six weeks after a calendar-aligned quarter end. */
export function reportDate(firstYear: number, i: number): string {
  const year = firstYear + Math.floor(i / 4);
  return ["", `${year}-05-15`, `${year}-08-14`, `${year}-11-14`, `${year + 1}-02-14`][(i % 4) + 1] as string;
}

export const companyName = (i: number): string => `SYN${String(i + 1).padStart(4, "0")}`;

const round1 = (v: number) => Math.round(v * 10) / 10;

/** Where an anomaly may start: late enough for every rule to have its history (8 quarters), early enough to be seen settling. */
function startRange(quarters: number, tail: number): [number, number] {
  const lo = Math.min(8, Math.max(1, quarters - tail - 1));
  return [lo, Math.max(lo, quarters - tail - 1)];
}

/**
 * Synthetic revenue feeds: each company reports 3 named regions and "Other countries" per fiscal
 * quarter; each amount is total x share x log-normal noise, the total growing a few % a quarter.
 * One labelled region per company carries the company's anomaly (see REVENUE_TYPE_CYCLE).
 */
export function generateRevenue(options: RevenueGeneratorOptions): { rows: RevenueRow[]; labels: AnomalyLabel[] } {
  const { seed, companies, quarters } = options;
  if (!Number.isInteger(quarters) || quarters < 8) throw new RangeError("quarters must be an integer >= 8");
  const noise = options.noise ?? 0.06;
  const firstYear = options.firstYear ?? 2020;
  const rows: RevenueRow[] = [];
  const labels: AnomalyLabel[] = [];
  for (let c = 0; c < companies; c++) {
    const r = mulberry32(subSeed(seed, c, 1));
    const type = REVENUE_TYPE_CYCLE[c % REVENUE_TYPE_CYCLE.length] as AnomalyType;
    const out = company(r, c, type, quarters, noise, firstYear);
    rows.push(...out.rows);
    labels.push(out.label);
  }
  return { rows, labels };
}

function company(
  r: Prng,
  index: number,
  type: AnomalyType,
  quarters: number,
  noise: number,
  firstYear: number,
): { rows: RevenueRow[]; label: AnomalyLabel } {
  const name = companyName(index);
  const period = (i: number) => fiscalPeriod(firstYear, i);
  const regions = [...r.shuffle(NAMED_REGIONS).slice(0, 3), OTHER];
  const [targetId, targetName] = regions[0] as readonly [string, string];
  const magnitude = round1(r.uniform(2, 15));
  let s0 = r.uniform(0.12, 0.35);
  if (type === "drop") s0 = Math.max(s0, magnitude / 100 + 0.06);
  const weights = regions.slice(1).map(() => r.uniform(0.6, 1.4));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const base = [s0, ...weights.map((w) => ((1 - s0) * w) / wsum)];
  const total0 = r.uniform(500, 5000);
  const growth = r.uniform(0, 0.04);

  // the labelled region's share offset per quarter, and the label
  const delta = new Array<number>(quarters).fill(0);
  const last = period(quarters - 1);
  let label: AnomalyLabel = {
    feed: "revenue",
    entity: { company: name },
    region: "*",
    regionName: "",
    type,
    start: period(0),
    end: last,
    magnitudePp: 0,
  };
  const target = { region: targetId, regionName: targetName };
  let restated: { i: number; errorPp: number } | undefined;
  const missing = new Set<number>();
  if (type === "spike" || type === "level_shift" || type === "drop") {
    const [lo, hi] = startRange(quarters, 4);
    const i0 = r.int(lo, hi);
    const m = type === "drop" ? -magnitude : magnitude;
    for (let i = i0; i < (type === "spike" ? i0 + 1 : quarters); i++) delta[i] = m / 100;
    label = { ...label, ...target, start: period(i0), end: period(i0), magnitudePp: m };
  } else if (type === "gradual_climb") {
    const length = r.int(3, 4);
    const [lo, hi] = startRange(quarters, length + 3);
    const i0 = r.int(lo, hi);
    for (let i = i0; i < quarters; i++) delta[i] = (magnitude / 100) * Math.min(1, (i - i0 + 1) / length);
    label = { ...label, ...target, start: period(i0), end: period(Math.min(quarters - 1, i0 + length - 1)), magnitudePp: magnitude };
  } else if (type === "seasonality") {
    const amplitude = round1(r.uniform(2, 6));
    for (let i = 0; i < quarters; i++) delta[i] = ((SEASON[i % 4] as number) * amplitude) / 100;
    label = { ...label, ...target, magnitudePp: amplitude };
  } else if (type === "restatement") {
    const errorPp = round1(r.uniform(5, 15));
    const [lo] = startRange(quarters, 4);
    restated = { i: r.int(lo, quarters - 2), errorPp };
    label = { ...label, ...target, start: period(restated.i), end: period(restated.i), magnitudePp: errorPp };
  } else if (type === "missing_quarters") {
    const count = r.int(1, 2);
    while (missing.size < count) missing.add(r.int(4, quarters - 2));
    const gaps = [...missing].sort((a, b) => a - b).map(period);
    label = { ...label, start: gaps[0] as string, end: gaps[gaps.length - 1] as string, periods: gaps };
  }

  const rows: RevenueRow[] = [];
  const row = (i: number, region: string, amount: number, reportedAt: string): RevenueRow => ({
    company: name,
    fiscal_period: period(i),
    region,
    revenue: amount.toFixed(1),
    scale: "millions",
    basis: "billing",
    reported_at: reportedAt,
  });
  for (let i = 0; i < quarters; i++) {
    const total = total0 * (1 + growth) ** i * Math.exp(0.03 * r.normal());
    const st = base[0] as number;
    const s = st + (delta[i] as number);
    const shares = base.map((b, j) => (j === 0 ? s : (b * (1 - s)) / (1 - st)));
    const amounts = shares.map((sh) => total * sh * Math.exp(noise * r.normal()));
    if (missing.has(i)) continue;
    const published = reportDate(firstYear, i);
    regions.forEach(([, label], j) => {
      const amount = amounts[j] as number;
      if (j === 0 && restated?.i === i) {
        // first published with an error of +errorPp in the region's share, restated a quarter later
        const rest = amounts.reduce((a, b) => a + b, 0) - amount;
        const wrongShare = amount / (amount + rest) + restated.errorPp / 100;
        rows.push(row(i, label, (wrongShare * rest) / (1 - wrongShare), published));
        rows.push(row(i, label, amount, reportDate(firstYear, i + 1)));
      } else rows.push(row(i, label, amount, published));
    });
  }
  return { rows, label };
}
