import { type CustomsClean, customsCleanKey, type RevenueClean } from "@entrepot/schemas";
import { type AlertDraft, alertIdFor } from "./alertDraft";
import { revenueCompositions } from "./compositions";
import { latestCustomsRevisions } from "./customs";
import { pct, possessive, pp, round } from "./format";

export const BILLING_SHIPPING_DIVERGENCE = "billing_shipping_divergence";

/** A company on the watch list: its products (HS codes), where they are made, and the hubs to watch. */
export interface WatchEntry {
  company: string;
  /** hubs to compare (ISO alpha-2), e.g. ["SG"] */
  hubs: string[];
  /** the company's product HS codes (prefixes), e.g. ["847180", "847330", "854231"] */
  hsCodes: string[];
  /** manufacturing origins (ISO alpha-2), e.g. ["TW", "KR", "CN"] */
  origins: string[];
}

export interface DivergenceConfig {
  enabled: boolean;
  /** alert when billing share and import share differ by at least this many pp */
  minGapPp: number;
  /** gaps of at least this many pp are critical */
  criticalGapPp: number;
  /** quarters whose recorded imports of the products from the origins (all importers) are below this (USD) are not judged */
  minImportsUsd: number;
  /** a calendar month covered by at least this fraction of its days must have customs data, else the quarter is not judged */
  minMonthWeight: number;
}

export const DEFAULT_DIVERGENCE: DivergenceConfig = {
  enabled: true,
  minGapPp: 10,
  criticalGapPp: 20,
  minImportsUsd: 1_000_000,
  minMonthWeight: 0.5,
};

/** Calendar dates (ISO, inclusive) a company's fiscal quarter covers. */
export type QuarterDatesLookup = (company: string, fiscalPeriod: string) => { start: string; end: string } | undefined;

const DAY = 86_400_000;
const ms = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/**
 * The calendar months a date range overlaps, each with the fraction of the month's days inside
 * the range: NVIDIA FY2025-Q3 (2024-07-29..2024-10-27) -> 07: 3/31, 08: 1, 09: 1, 10: 27/31.
 */
export function monthWeights(start: string, end: string): Map<string, number> {
  const out = new Map<string, number>();
  const s = ms(start);
  const e = ms(end) + DAY;
  let y = Number(start.slice(0, 4));
  let m = Number(start.slice(5, 7)) - 1;
  for (;;) {
    const from = Date.UTC(y, m, 1);
    if (from >= e) break;
    const to = Date.UTC(y, m + 1, 1);
    const inside = Math.min(to, e) - Math.max(from, s);
    if (inside > 0) out.set(`${y}-${String(m + 1).padStart(2, "0")}`, inside / (to - from));
    m += 1;
    if (m === 12) {
      m = 0;
      y += 1;
    }
  }
  return out;
}

/** `YYYY-MM` shifted by `n` months (negative = earlier). */
export function shiftMonth(month: string, n: number): string {
  const idx = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, "0")}`;
}

/** Quarter dates from the clean records themselves (the normalizer sets them from packages/reference's fiscal calendars). */
export function quarterDatesFromRecords(records: readonly RevenueClean[]): QuarterDatesLookup {
  const dates = new Map<string, { start: string; end: string }>();
  for (const r of records) {
    if (r.periodStart && r.periodEnd) dates.set(`${r.company}|${r.fiscalPeriod}`, { start: r.periodStart, end: r.periodEnd });
  }
  return (company, fiscalPeriod) => dates.get(`${company}|${fiscalPeriod}`);
}

const prefixMatch = (code: string, prefixes: readonly string[]) => code !== "TOTAL" && prefixes.some((p) => code.startsWith(p));
const bilateral = (r: CustomsClean) =>
  !r.partner.startsWith("GROUP:") && r.partner2 === undefined && r.customsProcedure === undefined && r.modeOfTransport === undefined;

/** Monthly customs values, by month then reporter, of the rows a filter keeps (latest revision, bilateral, monthly). */
export interface MonthlyFlows {
  byMonth: Map<string, Map<string, number>>;
  evidence: Map<string, string[]>;
}

export function monthlyFlows(customs: readonly CustomsClean[], keep: (r: CustomsClean) => boolean): MonthlyFlows {
  const byMonth = new Map<string, Map<string, number>>();
  const evidence = new Map<string, string[]>();
  for (const r of latestCustomsRevisions(customs)) {
    if (r.frequency !== "M" || !bilateral(r) || !keep(r)) continue;
    const month = byMonth.get(r.period) ?? new Map<string, number>();
    month.set(r.reporter, (month.get(r.reporter) ?? 0) + r.valueUsd);
    byMonth.set(r.period, month);
    evidence.set(r.period, [...(evidence.get(r.period) ?? []), customsCleanKey(r)]);
  }
  return { byMonth, evidence };
}

/**
 * Day-weighted sum over `weights` of one reporter's (or, without `reporter`, every reporter's)
 * monthly values; undefined when a month weighing at least `minWeight` has no data.
 */
export function weightedSum(
  flows: MonthlyFlows,
  weights: ReadonlyMap<string, number>,
  minWeight: number,
  reporter?: string,
): { value: number; evidence: string[] } | undefined {
  let value = 0;
  const evidence: string[] = [];
  for (const [month, w] of weights) {
    const cell = flows.byMonth.get(month);
    if (!cell) {
      if (w >= minWeight) return undefined;
      continue;
    }
    if (reporter === undefined) for (const v of cell.values()) value += w * v;
    else value += w * (cell.get(reporter) ?? 0);
    evidence.push(...(flows.evidence.get(month) ?? []).filter((k) => reporter === undefined || k.startsWith(`${reporter}|`)));
  }
  return { value, evidence };
}

export const monthSpan = (weights: ReadonlyMap<string, number>): string => {
  const months = [...weights.keys()].sort();
  return months.length > 1 ? `${months[0]}..${months[months.length - 1]}` : (months[0] ?? "");
};

/**
 * Billing vs shipping divergence: for a watched company and hub, the hub's share of the company's
 * revenue (by billing location) in a fiscal quarter against the hub's share of the customs-recorded
 * imports of the company's products from its manufacturing origins, by every importer in the data,
 * over the calendar months the quarter covers (day-weighted). Alert when they differ by at least
 * `minGapPp`. Quarters without calendar dates, without customs data for a month they mostly cover,
 * or with too little trade are not judged.
 */
export function detectBillingShippingDivergence(
  revenue: readonly RevenueClean[],
  customs: readonly CustomsClean[],
  watchList: readonly WatchEntry[],
  config: DivergenceConfig = DEFAULT_DIVERGENCE,
  basis = "revenue by customer billing location vs customs imports as reported by importers",
  quarterDates: QuarterDatesLookup = quarterDatesFromRecords(revenue),
): AlertDraft[] {
  if (!config.enabled || watchList.length === 0) return [];
  const drafts: AlertDraft[] = [];
  const compositions = revenueCompositions(revenue);
  for (const entry of watchList) {
    const origins = new Set(entry.origins);
    const flows = monthlyFlows(customs, (r) => r.flow === "import" && origins.has(r.partner) && prefixMatch(r.hsCode, entry.hsCodes));
    const reporterNames = new Map(customs.map((r) => [r.reporter, r.reporterName]));
    for (const c of compositions) {
      // the billing share: compositions on another basis (headquarters, ship-to...) are not billing
      if (c.entity.company !== entry.company || c.total <= 0 || (c.basis ?? "billing") !== "billing") continue;
      const dates = quarterDates(entry.company, c.period);
      if (!dates) continue;
      const weights = monthWeights(dates.start, dates.end);
      const all = weightedSum(flows, weights, config.minMonthWeight);
      if (!all || all.value < config.minImportsUsd) continue;
      for (const hub of entry.hubs) {
        const part = c.parts.find((p) => p.region === hub);
        const hubImports = weightedSum(flows, weights, config.minMonthWeight, hub);
        if (!part || !hubImports) continue;
        const importShare = hubImports.value / all.value;
        const gap = part.share - importShare;
        if (Math.abs(gap) * 100 < config.minGapPp) continue;
        const hubName = part.name || reporterNames.get(hub) || hub;
        const span = monthSpan(weights);
        drafts.push({
          alertId: alertIdFor(BILLING_SHIPPING_DIVERGENCE, { company: entry.company }, hub, c.period),
          rule: BILLING_SHIPPING_DIVERGENCE,
          kind: "anomaly",
          severity: Math.abs(gap) * 100 >= config.criticalGapPp ? "critical" : "warning",
          entity: { company: entry.company },
          region: hub,
          regionName: hubName,
          period: c.period,
          baselinePeriod: span,
          observed: part.share,
          baseline: round(importShare, 6),
          score: round(gap * 100, 2),
          threshold: config.minGapPp,
          summary:
            `${hubName} was billed ${pct(part.share)} of ${entry.company} revenue in ${c.period} but recorded ${pct(importShare)} of the ` +
            `customs imports of HS ${entry.hsCodes.join(", ")} from ${entry.origins.join(", ")} over ${span} (${possessive(hubName)} ` +
            `$${(hubImports.value / 1e6).toFixed(1)}m of $${(all.value / 1e6).toFixed(1)}m, day-weighted): billing and shipping differ by ` +
            `${pp(gap)} (threshold ${config.minGapPp} pp); ${basis}.`,
          basis,
          evidence: [...new Set([...c.evidence, ...all.evidence])].sort(),
        });
      }
    }
  }
  return drafts.sort((a, b) => a.alertId.localeCompare(b.alertId));
}
