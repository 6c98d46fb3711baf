import { type Composition, type CustomsClean, customsCleanKey, type TradeFlow } from "@entrepot/schemas";
import { type AlertDraft, alertIdFor } from "./alertDraft";
import { annotateCompositions } from "./compositions";
import { round } from "./format";

/** Latest revision (latest `asOf`) per customs compaction key. */
export function latestCustomsRevisions(records: readonly CustomsClean[]): CustomsClean[] {
  const byKey = new Map<string, CustomsClean>();
  for (const r of records) {
    const k = customsCleanKey(r);
    const prev = byKey.get(k);
    if (!prev || r.asOf >= prev.asOf) byKey.set(k, r);
  }
  return [...byKey.values()];
}

/**
 * Rows that state a country-to-country flow over all procedures, modes and consignment
 * countries: partner groups (World, EU...) and breakdowns would count the same goods twice.
 */
const isBilateralTotal = (r: CustomsClean) =>
  !r.partner.startsWith("GROUP:") && r.partner2 === undefined && r.customsProcedure === undefined && r.modeOfTransport === undefined;

const matchesGroup = (r: CustomsClean, hsPrefixes: readonly string[]) =>
  r.hsCode !== "TOTAL" && hsPrefixes.some((p) => r.hsCode.startsWith(p));

export interface CustomsCompositionOptions {
  /** the commodity group: HS code prefixes, e.g. ["8471", "847330", "854231"] */
  hsPrefixes: readonly string[];
  /** `export` (a reporter's exports by partner) or `import` (a reporter's imports by origin) */
  flow: TradeFlow;
  /** label of the group in the entity (default: the prefixes joined with +) */
  group?: string;
}

/**
 * Customs compositions: for a commodity group and month, a reporter's exports by partner (or
 * imports by origin). Entity `{reporter, hs, flow}`; parts are partners with value, share and
 * share changes against the previous month and the same month a year earlier; HHI.
 * Latest revision wins; only bilateral all-procedure rows are used.
 */
export function customsCompositions(records: readonly CustomsClean[], options: CustomsCompositionOptions): Composition[] {
  const group = options.group ?? options.hsPrefixes.join("+");
  type Cell = { reporter: string; period: string; parts: Map<string, { name: string; amount: number }>; evidence: string[] };
  const cells = new Map<string, Cell>();
  for (const r of latestCustomsRevisions(records)) {
    if (r.flow !== options.flow || !isBilateralTotal(r) || !matchesGroup(r, options.hsPrefixes)) continue;
    const k = `${r.reporter}|${r.period}`;
    const cell: Cell = cells.get(k) ?? { reporter: r.reporter, period: r.period, parts: new Map(), evidence: [] };
    const part = cell.parts.get(r.partner) ?? { name: r.partnerName, amount: 0 };
    part.amount += r.valueUsd;
    cell.parts.set(r.partner, part);
    cell.evidence.push(customsCleanKey(r));
    cells.set(k, cell);
  }
  const compositions = [...cells.values()]
    .map((cell) => {
      const total = [...cell.parts.values()].reduce((s, p) => s + p.amount, 0);
      const parts = [...cell.parts]
        .map(([region, p]) => ({ region, name: p.name, amount: p.amount, share: total > 0 ? p.amount / total : 0 }))
        .sort((a, b) => b.amount - a.amount || a.region.localeCompare(b.region));
      return {
        schemaVersion: 1 as const,
        entity: { reporter: cell.reporter, hs: group, flow: options.flow },
        period: cell.period,
        total,
        parts,
        hhi: parts.reduce((s, p) => s + p.share * p.share, 0),
        evidence: cell.evidence.sort(),
      };
    })
    .sort((a, b) => a.entity.reporter.localeCompare(b.entity.reporter) || a.period.localeCompare(b.period));
  // changes against the previous month and the same month a year earlier, gaps, appeared and disappeared partners
  return annotateCompositions(compositions);
}

export const MIRROR_GAP = "mirror_gap";

export interface MirrorGapConfig {
  enabled: boolean;
  /** CIF/FOB margin: importer-reported CIF value ~ exporter-reported FOB x (1 + margin) */
  cifFobMargin: number;
  /** alert when the adjusted values differ by more than this fraction (either way) */
  tolerance: number;
  /** differences of at least this fraction are critical */
  criticalGap: number;
  /** flows smaller than this (USD, larger of the two sides) are not judged */
  minValueUsd: number;
}

export const DEFAULT_MIRROR_GAP: MirrorGapConfig = {
  enabled: true,
  cifFobMargin: 0.05,
  tolerance: 0.25,
  criticalGap: 0.5,
  minValueUsd: 1_000_000,
};

const usd = (v: number) =>
  v >= 1e9 ? `$${(v / 1e9).toFixed(2)}bn` : v >= 1e6 ? `$${(v / 1e6).toFixed(1)}m` : `$${Math.round(v).toLocaleString("en-US")}`;

/**
 * Mirror gap: the same goods and month reported by the exporter (A exports to B, FOB) and by the
 * importer (B imports from A, CIF). The importer's CIF value is brought to FOB (its own FOB
 * figure when reported, else CIF / (1 + cifFobMargin)); alert when the two differ by more than
 * `tolerance` of the exporter's figure. Only bilateral all-procedure rows, per HS6, latest revision.
 */
export function detectMirrorGaps(
  records: readonly CustomsClean[],
  config: MirrorGapConfig = DEFAULT_MIRROR_GAP,
  basis = "customs statistics as reported by each country",
): AlertDraft[] {
  if (!config.enabled) return [];
  const exportsByKey = new Map<string, CustomsClean>();
  const importsByKey = new Map<string, CustomsClean>();
  for (const r of latestCustomsRevisions(records)) {
    if (!isBilateralTotal(r) || r.hs6 === "TOTAL") continue;
    if (r.flow === "export") exportsByKey.set(`${r.reporter}|${r.partner}|${r.hs6}|${r.period}`, r);
    if (r.flow === "import") importsByKey.set(`${r.partner}|${r.reporter}|${r.hs6}|${r.period}`, r);
  }
  const drafts: AlertDraft[] = [];
  for (const [key, ex] of [...exportsByKey].sort(([a], [b]) => a.localeCompare(b))) {
    const im = importsByKey.get(key);
    if (!im) continue;
    const exportFob = ex.fobUsd ?? ex.valueUsd;
    const importFob = im.fobUsd ?? (im.cifUsd ?? im.valueUsd) / (1 + config.cifFobMargin);
    if (Math.max(exportFob, importFob) < config.minValueUsd || exportFob <= 0) continue;
    const gap = importFob / exportFob - 1;
    if (Math.abs(gap) <= config.tolerance) continue;
    const entity = { reporter: ex.reporter, partner: ex.partner, hs: ex.hs6 };
    drafts.push({
      alertId: alertIdFor(MIRROR_GAP, entity, ex.partner, ex.period),
      rule: MIRROR_GAP,
      kind: "anomaly",
      severity: Math.abs(gap) >= config.criticalGap ? "critical" : "warning",
      entity,
      region: ex.partner,
      regionName: ex.partnerName,
      period: ex.period,
      baselinePeriod: ex.period,
      observed: importFob,
      baseline: exportFob,
      score: round(gap, 4),
      threshold: config.tolerance,
      summary:
        `${ex.reporterName} reported exports of HS ${ex.hs6} to ${ex.partnerName} of ${usd(exportFob)} (FOB) in ${ex.period}, but ` +
        `${im.reporterName} reported imports from ${im.partnerName} of ${usd(im.cifUsd ?? im.valueUsd)} (CIF; ${usd(importFob)} FOB-equivalent): ` +
        `a mirror gap of ${gap >= 0 ? "+" : ""}${(gap * 100).toFixed(0)}% (tolerance ±${(config.tolerance * 100).toFixed(0)}%); ${basis}.`,
      basis,
      evidence: [customsCleanKey(ex), customsCleanKey(im)].sort(),
    });
  }
  return drafts;
}
