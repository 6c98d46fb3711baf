import { mulberry32, type Prng, subSeed } from "./prng";
import { fiscalPeriod, type RevenueRow, reportDate } from "./revenue";

/**
 * Scenarios that look like real filings (issue 12): what an analyst meets in revenue-by-region
 * tables besides moves. Each scenario company carries labels saying which alert the analyst
 * expects in which period, and which notice.
 */
export const SCENARIO_TYPES = [
  "split_out",
  "basis_change",
  "opaque_region",
  "missing_row",
  "partial_total",
  "hypergrowth",
  "annual",
] as const;
export type ScenarioType = (typeof SCENARIO_TYPES)[number];

/** The notices the detector gives for a table that changed shape (rules of kind `definition_change` / `data_quality`). */
export const NOTICE_TYPES = ["split_out", "basis_change", "data_gap", "total_mismatch", "unrecognized_region"] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

export interface ExpectedAlert {
  /** canonical region id as the normalizer resolves it */
  region: string;
  regionName: string;
  /** the period whose data shows the move (a fiscal quarter, or a fiscal year `FY2019`) */
  period: string;
  direction: "up" | "down";
  /** signed size of the move in percentage points of the region's share */
  magnitudePp: number;
}

export interface ExpectedNotice {
  notice: NoticeType;
  /** canonical region id (`SG`, `TW`, `TOTAL`, `LABEL:<label>` for a label nobody knows) */
  region: string;
  regionName: string;
  period: string;
}

export interface ScenarioLabel {
  feed: "revenue";
  scenario: ScenarioType;
  entity: { company: string };
  frequency: "quarter" | "year";
  /** periods the company reports (first and last) */
  first: string;
  last: string;
  /** what happens, in an analyst's words */
  story: string;
  /** anomaly alerts expected (any other anomaly alert on the company is a false alert) */
  alerts: ExpectedAlert[];
  /** notices expected */
  notices: ExpectedNotice[];
}

export interface ScenarioGeneratorOptions {
  seed: number;
  /** companies per scenario */
  perScenario: number;
  /** fiscal quarters of the quarterly scenarios, from FY`firstYear`-Q1 */
  quarters: number;
  firstYear?: number;
  /** fiscal years of the annual scenario, ending with the last fiscal year of the quarters */
  years?: number;
}

export const scenarioCompanyName = (i: number): string => `SCN${String(i + 1).padStart(4, "0")}`;

/** Labels nobody recognises: not a country, group or total (the normalizer keeps them as `opaque` regions). */
const OPAQUE_LABELS = ["Xandoria", "Northmark territories", "Zone Meridian", "Valoria"] as const;
const round1 = (v: number) => Math.round(v * 10) / 10;
const opaqueId = (label: string) => `LABEL:${label.toLowerCase().replace(/\s+/g, "-")}`;

interface Region {
  id: string;
  name: string;
}
const SG: Region = { id: "SG", name: "Singapore" };
const US: Region = { id: "US", name: "United States" };
const TW: Region = { id: "TW", name: "Taiwan" };
const CN: Region = { id: "GROUP:CN+HK", name: "China (including Hong Kong)" };
const OTHER: Region = { id: "GROUP:OTHER", name: "Other countries" };

/** One period of one company: amounts per printed label, plus how it is published. */
interface Printed {
  period: string;
  reportedAt: string;
  basis: string;
  cells: [label: string, amount: number][];
}

/**
 * Revenue rows and labels of `perScenario` companies of every scenario type (SCN0001...), in turn.
 * Each company draws from its own stream, so the same seed gives the same bytes and the SYN
 * companies of `generateRevenue` are not affected.
 */
export function generateScenarios(options: ScenarioGeneratorOptions): { rows: RevenueRow[]; labels: ScenarioLabel[] } {
  const firstYear = options.firstYear ?? 2020;
  const years = options.years ?? 12;
  const rows: RevenueRow[] = [];
  const labels: ScenarioLabel[] = [];
  const count = options.perScenario * SCENARIO_TYPES.length;
  for (let c = 0; c < count; c++) {
    const scenario = SCENARIO_TYPES[c % SCENARIO_TYPES.length] as ScenarioType;
    const r = mulberry32(subSeed(options.seed, c, 7));
    const name = scenarioCompanyName(c);
    const out =
      scenario === "annual"
        ? annualCompany(r, name, firstYear + Math.floor((options.quarters - 1) / 4) - years + 1, years)
        : quarterlyCompany(r, name, scenario, options.quarters, firstYear);
    for (const p of out.printed)
      for (const [region, amount] of p.cells)
        rows.push({
          company: name,
          fiscal_period: p.period,
          region,
          revenue: amount.toFixed(1),
          scale: "millions",
          basis: p.basis,
          reported_at: p.reportedAt,
        });
    labels.push(out.label);
  }
  return { rows, labels };
}

/** Shares of `regions` (first one `s0`, the rest in random proportions), a starting total and its growth. */
function baseMix(r: Prng, n: number, s0: number): number[] {
  const weights = Array.from({ length: n - 1 }, () => r.uniform(0.6, 1.4));
  const sum = weights.reduce((a, b) => a + b, 0);
  return [s0, ...weights.map((w) => ((1 - s0) * w) / sum)];
}

/** Amounts for the shares, the first region's share moved by `delta`, the others scaled to make room; log-normal noise on each. */
function amounts(r: Prng, total: number, base: readonly number[], delta: number, noise: number): number[] {
  const s0 = base[0] as number;
  const s = s0 + delta;
  return base.map((b, j) => total * (j === 0 ? s : (b * (1 - s)) / (1 - s0)) * Math.exp(noise * r.normal()));
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function quarterlyCompany(
  r: Prng,
  name: string,
  scenario: ScenarioType,
  quarters: number,
  firstYear: number,
): { printed: Printed[]; label: ScenarioLabel } {
  const period = (i: number) => fiscalPeriod(firstYear, i);
  const noise = scenario === "hypergrowth" ? 0.1 : 0.05;
  const regions: Region[] = [SG, US, TW, CN, OTHER];
  const base = baseMix(r, regions.length, r.uniform(0.1, 0.25));
  const total0 = r.uniform(500, 5000);
  // hypergrowth: the total x8 over two years (8 quarters) from a random quarter, else a few % a quarter
  const growth = scenario === "hypergrowth" ? 8 ** (1 / 8) - 1 : r.uniform(0, 0.03);
  const boomFrom = r.int(4, Math.max(4, quarters - 9));
  const totalAt = (i: number) =>
    scenario === "hypergrowth"
      ? total0 * (1 + growth) ** Math.min(8, Math.max(0, i - boomFrom)) * Math.exp(0.03 * r.normal())
      : total0 * (1 + growth) ** i * Math.exp(0.02 * r.normal());
  const k = r.int(8, quarters - 4);
  const label: ScenarioLabel = {
    feed: "revenue",
    scenario,
    entity: { company: name },
    frequency: "quarter",
    first: period(0),
    last: period(quarters - 1),
    story: "",
    alerts: [],
    notices: [],
  };
  const withTotal = scenario !== "hypergrowth";
  const printed: Printed[] = [];
  const magnitude = round1(r.uniform(8, 15)) * (scenario === "hypergrowth" && r.next() < 0.3 ? -1 : 1);
  const opaque = r.pick(OPAQUE_LABELS);
  const partial = new Set([k, r.int(8, quarters - 1)]);
  const shortfall = round1(r.uniform(3, 10));
  const gapRegion = r.pick([US, TW, CN]);
  for (let i = 0; i < quarters; i++) {
    const delta = scenario === "hypergrowth" && i >= k ? Math.max(-(base[0] as number) + 0.02, magnitude / 100) : 0;
    const a = amounts(r, totalAt(i), base, delta, noise);
    const total = sum(a);
    const cells: [string, number][] = regions.map((reg, j) => [reg.name, a[j] as number]);
    const p: Printed = { period: period(i), reportedAt: reportDate(firstYear, i), basis: "billing", cells };
    if (scenario === "split_out") {
      // Singapore inside "Other countries" until quarter k, then on its own
      const [sg, ...rest] = cells;
      const other = rest.pop() as [string, number];
      p.cells =
        i < k
          ? [...rest, ["Other countries (incl. Singapore)", other[1] + (sg?.[1] ?? 0)]]
          : [...rest, ["Singapore", sg?.[1] ?? 0], ["Other countries (excl. Singapore)", other[1]]];
    } else if (scenario === "opaque_region") {
      // a region nobody recognises in place of the hub, in every quarter
      p.cells = cells.map(([l, v], j) => [j === 0 ? opaque : l, v]);
    } else if (scenario === "missing_row" && i === k) {
      p.cells = cells.filter(([l]) => l !== gapRegion.name);
    }
    if (withTotal)
      p.cells.push(["Total revenue", total * (scenario === "partial_total" && partial.has(i) ? 1 / (1 - shortfall / 100) : 1)]);
    printed.push(p);
    if (scenario === "basis_change" && i >= k - 1) {
      // from quarter k the company reports by customer headquarters: the hub's billing share moves to the US;
      // quarter k - 1 is recast on the new basis and published with quarter k
      const moved = (a[0] as number) * r.uniform(0.4, 0.7);
      const hq = a.map((v, j) => (j === 0 ? v - moved : j === 1 ? v + moved : v));
      const recast: Printed = {
        period: period(i),
        reportedAt: reportDate(firstYear, Math.max(i, k)),
        basis: "headquarters",
        cells: [...regions.map((reg, j): [string, number] => [reg.name, hq[j] as number]), ["Total revenue", total]],
      };
      if (i >= k) printed.pop();
      printed.push(recast);
    }
  }
  const at = period(k);
  switch (scenario) {
    case "split_out":
      label.story = `Singapore is split out of "Other countries" from ${at}: the labels switch from (incl. Singapore) to (excl. Singapore); a change of definition, not a move`;
      label.notices.push({ notice: "split_out", region: SG.id, regionName: SG.name, period: at });
      break;
    case "basis_change":
      label.story = `from ${at} revenue is reported by customer headquarters instead of billing location, ${period(k - 1)} recast on both: one basis-change notice, no move`;
      label.notices.push({ notice: "basis_change", region: "*", regionName: "", period: period(k - 1) });
      break;
    case "opaque_region":
      label.story = `a region labelled "${opaque}" in every quarter: kept as a region, one notice where it first appears`;
      label.notices.push({ notice: "unrecognized_region", region: opaqueId(opaque), regionName: opaque, period: period(0) });
      break;
    case "missing_row":
      label.story = `${gapRegion.name}'s row is missing in ${at} (the total row still counts it): a data gap, not a move or a merge`;
      label.notices.push({ notice: "data_gap", region: gapRegion.id, regionName: gapRegion.name, period: at });
      break;
    case "partial_total":
      label.story = `in ${[...partial]
        .sort((x, y) => x - y)
        .map(period)
        .join(" and ")} the regions add up to ${round1(100 - shortfall)}% of the reported total: a total mismatch, not a move`;
      for (const i of [...partial].sort((x, y) => x - y))
        label.notices.push({ notice: "total_mismatch", region: "TOTAL", regionName: "Total", period: period(i) });
      break;
    case "hypergrowth":
      label.story = `the total grows x8 in two years from ${period(boomFrom)}, every amount with ${noise * 100}% noise; Singapore's share steps ${magnitude > 0 ? "up" : "down"} ${Math.abs(magnitude)} pp in ${at}`;
      label.alerts.push({
        region: SG.id,
        regionName: SG.name,
        period: at,
        direction: magnitude > 0 ? "up" : "down",
        magnitudePp: magnitude,
      });
      break;
    default:
      break;
  }
  return { printed, label };
}

/** An annual filer (FY2013-style periods, published six weeks after the year): Singapore's share steps up one year. */
function annualCompany(r: Prng, name: string, firstFy: number, years: number): { printed: Printed[]; label: ScenarioLabel } {
  const regions: Region[] = [SG, US, TW, CN, OTHER];
  const base = baseMix(r, regions.length, r.uniform(0.1, 0.25));
  const total0 = r.uniform(2000, 20000);
  const growth = r.uniform(0, 0.12);
  const k = r.int(Math.min(6, years - 2), years - 2);
  const magnitude = round1(r.uniform(8, 15));
  const printed: Printed[] = [];
  for (let i = 0; i < years; i++) {
    const a = amounts(r, total0 * (1 + growth) ** i, base, i >= k ? magnitude / 100 : 0, 0.04);
    printed.push({
      period: `FY${firstFy + i}`,
      reportedAt: `${firstFy + i + 1}-02-14`,
      basis: "billing",
      cells: [...regions.map((reg, j): [string, number] => [reg.name, a[j] as number]), ["Total revenue", sum(a)]],
    });
  }
  const at = `FY${firstFy + k}`;
  return {
    printed,
    label: {
      feed: "revenue",
      scenario: "annual",
      entity: { company: name },
      frequency: "year",
      first: `FY${firstFy}`,
      last: `FY${firstFy + years - 1}`,
      story: `an annual filer (FY${firstFy}..FY${firstFy + years - 1}); Singapore's share steps up ${magnitude} pp in ${at}`,
      alerts: [{ region: SG.id, regionName: SG.name, period: at, direction: "up", magnitudePp: magnitude }],
      notices: [],
    },
  };
}
