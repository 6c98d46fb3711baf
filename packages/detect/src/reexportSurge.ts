import { type CustomsClean, customsCleanKey } from "@entrepot/schemas";
import { type AlertDraft, alertIdFor } from "./alertDraft";
import { latestCustomsRevisions } from "./customs";
import { pct, pp, round, times } from "./format";
import { shiftPeriod } from "./periods";
import { median } from "./robustStats";

export const REEXPORT_SURGE = "reexport_surge";

export interface ReexportSurgeConfig {
  enabled: boolean;
  /** the watched commodities: HS code prefixes */
  hsPrefixes: string[];
  /** label of the commodity group in alerts */
  group: string;
  /** destinations of concern (ISO alpha-2) */
  destinations: string[];
  /** trailing months the baseline (median) is taken over */
  window: number;
  /** fewer earlier months with data than this: not judged */
  minHistory: number;
  /** exports to destinations of concern at least (1 + minRise) x baseline ... */
  minRise: number;
  /** ... or their share of the hub's exports of the goods up by at least this many pp */
  minSharePp: number;
  /** and the hub's imports of the same goods at least (1 + minImportRise) x their baseline */
  minImportRise: number;
  /** months whose exports to destinations of concern are below this (USD) are not judged */
  minValueUsd: number;
  /**
   * when the goods and destinations come from a rule pack: its name and the dates its entries
   * apply from, so an alert says whether controls were in effect in its month
   */
  controls?: ControlDates | undefined;
}

/** A rule pack's effective dates (ISO dates), as far as the re-export surge rule uses them. */
export interface ControlDates {
  pack: string;
  goods: { hs: string; effectiveFrom: string }[];
  destinations: { country: string; effectiveFrom: string }[];
}

/**
 * One sentence on the controls of a rule pack in a month (`YYYY-MM`, read as its last day): which
 * of the destinations seen were controlled for how many of the watched goods, or that none was yet.
 */
export function controlsInEffect(controls: ControlDates, period: string, destinations: readonly string[]): string {
  const day = /^\d{4}-\d{2}$/.test(period) ? `${period}-31` : /^\d{4}$/.test(period) ? `${period}-12-31` : period;
  const goods = controls.goods.filter((g) => g.effectiveFrom <= day);
  const seen = controls.destinations.filter((d) => destinations.includes(d.country));
  const inForce = seen.filter((d) => d.effectiveFrom <= day);
  if (goods.length > 0 && inForce.length > 0)
    return (
      `Rule pack ${controls.pack}: controls on ${goods.length} of its ${controls.goods.length} listed goods to ` +
      `${inForce.map((d) => `${d.country} (since ${d.effectiveFrom})`).join(", ")} were in effect in ${period}.`
    );
  const dates = [...(goods.length === 0 ? controls.goods : []), ...(inForce.length === 0 ? seen : [])].map((e) => e.effectiveFrom).sort();
  return `Rule pack ${controls.pack}: no control on these goods to these destinations was yet in effect in ${period}${dates[0] ? ` (the earliest applies from ${dates[0]})` : ""}.`;
}

export const DEFAULT_REEXPORT_SURGE: ReexportSurgeConfig = {
  enabled: true,
  hsPrefixes: ["854231", "847330", "847180"],
  group: "processors and accelerators (HS 854231, 847330, 847180)",
  destinations: ["CN", "HK", "MO", "RU"],
  window: 6,
  minHistory: 3,
  minRise: 0.5,
  minSharePp: 10,
  minImportRise: 0.2,
  minValueUsd: 1_000_000,
};

interface Month {
  concern: number;
  exports: number;
  imports: number;
  evidence: string[];
  names: Set<string>;
  codes: Set<string>;
}

/**
 * Re-export surge: a hub's exports and re-exports of watched goods to destinations of concern
 * rise sharply — in value (x(1 + minRise) the median of the previous `window` months) or in share
 * of its exports of those goods (+minSharePp) — while its imports of the same goods rise too
 * (x(1 + minImportRise)): goods coming in and going out to those destinations together.
 * Latest revision per record; bilateral all-procedure rows only.
 */
export function detectReexportSurges(
  records: readonly CustomsClean[],
  config: ReexportSurgeConfig = DEFAULT_REEXPORT_SURGE,
  basis = "customs statistics as reported by the hub",
): AlertDraft[] {
  if (!config.enabled) return [];
  const concern = new Set(config.destinations);
  const hubs = new Map<string, { name: string; months: Map<string, Month> }>();
  for (const r of latestCustomsRevisions(records)) {
    if (r.partner.startsWith("GROUP:") || r.partner2 !== undefined || r.customsProcedure !== undefined || r.modeOfTransport !== undefined)
      continue;
    if (r.frequency !== "M" || r.hsCode === "TOTAL" || !config.hsPrefixes.some((p) => r.hsCode.startsWith(p))) continue;
    const hub = hubs.get(r.reporter) ?? { name: r.reporterName, months: new Map<string, Month>() };
    const m = hub.months.get(r.period) ?? {
      concern: 0,
      exports: 0,
      imports: 0,
      evidence: [],
      names: new Set<string>(),
      codes: new Set<string>(),
    };
    if (r.flow === "export" || r.flow === "re-export") {
      m.exports += r.valueUsd;
      if (concern.has(r.partner)) {
        m.concern += r.valueUsd;
        m.names.add(r.partnerName);
        m.codes.add(r.partner);
        m.evidence.push(customsCleanKey(r));
      }
    } else if (r.flow === "import") {
      m.imports += r.valueUsd;
      m.evidence.push(customsCleanKey(r));
    }
    hub.months.set(r.period, m);
    hubs.set(r.reporter, hub);
  }
  const drafts: AlertDraft[] = [];
  for (const [reporter, hub] of [...hubs].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [period, now] of [...hub.months].sort(([a], [b]) => a.localeCompare(b))) {
      if (now.concern < config.minValueUsd || now.exports <= 0) continue;
      const earlier: Month[] = [];
      for (let k = 1; k <= config.window; k++) {
        const p = shiftPeriod(period, k);
        const m = p ? hub.months.get(p) : undefined;
        if (m && m.exports > 0) earlier.push(m);
      }
      if (earlier.length < config.minHistory) continue;
      const baseConcern = median(earlier.map((m) => m.concern));
      const baseShare = median(earlier.map((m) => m.concern / m.exports));
      const baseImports = median(earlier.map((m) => m.imports));
      const share = now.concern / now.exports;
      const valueUp = now.concern >= baseConcern * (1 + config.minRise) && now.concern > baseConcern;
      const shareUp = (share - baseShare) * 100 >= config.minSharePp;
      const importsUp = baseImports > 0 && now.imports >= baseImports * (1 + config.minImportRise);
      if (!(valueUp || shareUp) || !importsUp) continue;
      const entity = { reporter, hs: config.group };
      const destinations = [...now.names].sort().join(", ");
      const ratio = baseConcern > 0 ? now.concern / baseConcern : Number.POSITIVE_INFINITY;
      drafts.push({
        alertId: alertIdFor(REEXPORT_SURGE, { reporter, hs: config.hsPrefixes.join("+") }, config.destinations.join("+"), period),
        rule: REEXPORT_SURGE,
        kind: "anomaly",
        severity: ratio >= 2 * (1 + config.minRise) || (share - baseShare) * 100 >= 2 * config.minSharePp ? "critical" : "warning",
        entity,
        region: config.destinations.join("+"),
        regionName: `destinations of concern (${destinations})`,
        period,
        baselinePeriod: `${shiftPeriod(period, config.window)}..${shiftPeriod(period, 1)}`,
        observed: share,
        baseline: baseShare,
        score: round(ratio === Number.POSITIVE_INFINITY ? 999 : ratio, 2),
        threshold: 1 + config.minRise,
        summary:
          `${hub.name}'s exports of ${config.group} to ${destinations} reached $${(now.concern / 1e6).toFixed(1)}m in ${period}, ` +
          `${times(now.concern, baseConcern)} the median of the previous ${earlier.length} months, ${pct(share)} of its exports of these goods ` +
          `(${pp(share - baseShare)}), while its imports of the same goods rose ${times(now.imports, baseImports)}; ${basis}.` +
          (config.controls ? ` ${controlsInEffect(config.controls, period, [...now.codes])}` : ""),
        basis,
        evidence: now.evidence.sort(),
      });
    }
  }
  return drafts;
}
