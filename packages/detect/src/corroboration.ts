import type { CustomsClean, RevenueClean } from "@entrepot/schemas";
import { type AlertDraft, alertIdFor } from "./alertDraft";
import {
  monthlyFlows,
  monthSpan,
  monthWeights,
  type QuarterDatesLookup,
  quarterDatesFromRecords,
  shiftMonth,
  type WatchEntry,
  weightedSum,
} from "./divergence";
import { pct, pp, round } from "./format";
import { LEVEL_SHIFT } from "./levelShift";
import { SHARE_SHIFT } from "./shareShift";

export const CORROBORATION = "corroboration";

export interface CorroborationConfig {
  enabled: boolean;
  /** hub imports (from the origins) up at least this fraction on a year earlier: "up" */
  importRise: number;
  /** hub imports within ± this fraction of a year earlier: "flat" */
  flatBand: number;
  /** hub exports and re-exports to destinations of concern up at least this fraction: "up" */
  exportRise: number;
  /** destinations of concern (ISO alpha-2) */
  destinations: string[];
  /** a month covered by at least this fraction of its days must have customs data */
  minMonthWeight: number;
}

export const DEFAULT_CORROBORATION: CorroborationConfig = {
  enabled: true,
  importRise: 0.2,
  flatBand: 0.1,
  exportRise: 0.5,
  destinations: ["CN", "HK", "MO", "RU"],
  minMonthWeight: 0.5,
};

export type Story = "invoicing_hub" | "transshipment" | "inconclusive";

export const STORY_WORDING: Record<Story, string> = {
  invoicing_hub: "consistent with an invoicing hub",
  transshipment: "consistent with transshipment",
  inconclusive: "not clearly consistent with either an invoicing hub or transshipment",
};

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/**
 * Scores of the two stories from the hub's year-on-year changes (fractions, e.g. 0.25 = +25%):
 * transshipment needs imports from the origins AND exports to destinations of concern up
 * (0.5 at both thresholds, 1 at twice them); an invoicing hub needs imports flat (1 when
 * unchanged, 0.5 at the edge of the band) and exports to destinations of concern not surging.
 */
export function storyScores(importChange: number, exportChange: number, config: CorroborationConfig): Record<Story, number> {
  const transshipment = clamp01(Math.min(importChange / (2 * config.importRise), exportChange / (2 * config.exportRise)));
  const flat = clamp01(1 - Math.abs(importChange) / (2 * config.flatBand));
  const invoicing = exportChange >= config.exportRise ? flat / 2 : flat;
  return { transshipment, invoicing_hub: invoicing, inconclusive: 0 };
}

const change = (now: number, before: number) => (before > 0 ? now / before - 1 : now > 0 ? Number.POSITIVE_INFINITY : 0);
const times = (x: number) => (Number.isFinite(x) ? `x${(1 + x).toFixed(2)}` : "new");

/**
 * Joins a revenue share alert (share shift or level shift, upward, for a watched company's hub)
 * with the hub's customs over the same months into one assessment: the hub's imports of the
 * company's products from its origins, and its exports and re-exports of them to destinations of
 * concern, each against the same months a year earlier. Wording: "consistent with an invoicing
 * hub" (billing share up, imports flat) or "consistent with transshipment" (imports and exports to
 * destinations of concern up together); score = the better story's score (0..1, threshold 0.5).
 * No assessment when customs data for those months (or a year earlier) is missing.
 */
export function corroborate(
  revenueDrafts: readonly AlertDraft[],
  revenue: readonly RevenueClean[],
  customs: readonly CustomsClean[],
  watchList: readonly WatchEntry[],
  config: CorroborationConfig = DEFAULT_CORROBORATION,
  basis = "revenue by customer billing location, and customs statistics as reported by the hub",
  quarterDates: QuarterDatesLookup = quarterDatesFromRecords(revenue),
): AlertDraft[] {
  if (!config.enabled || watchList.length === 0) return [];
  const concern = new Set(config.destinations);
  const out = new Map<string, AlertDraft>();
  const signals = revenueDrafts
    .filter((d) => (d.rule === SHARE_SHIFT || d.rule === LEVEL_SHIFT) && !d.resolved && d.observed > d.baseline)
    .sort((a, b) => Number(a.rule !== SHARE_SHIFT) - Number(b.rule !== SHARE_SHIFT) || a.alertId.localeCompare(b.alertId));
  for (const d of signals) {
    const entry = watchList.find((w) => w.company === d.entity.company && w.hubs.includes(d.region));
    if (!entry) continue;
    const dates = quarterDates(entry.company, d.period);
    if (!dates) continue;
    const hub = d.region;
    const origins = new Set(entry.origins);
    const goods = (r: CustomsClean) => r.reporter === hub && r.hsCode !== "TOTAL" && entry.hsCodes.some((p) => r.hsCode.startsWith(p));
    const imports = monthlyFlows(customs, (r) => goods(r) && r.flow === "import" && origins.has(r.partner));
    const exports = monthlyFlows(customs, (r) => goods(r) && (r.flow === "export" || r.flow === "re-export") && concern.has(r.partner));
    const weights = monthWeights(dates.start, dates.end);
    const yearBefore = new Map([...weights].map(([m, w]) => [shiftMonth(m, -12), w]));
    const impNow = weightedSum(imports, weights, config.minMonthWeight, hub);
    const impThen = weightedSum(imports, yearBefore, config.minMonthWeight, hub);
    if (!impNow || !impThen || impThen.value <= 0) continue;
    const expNow = weightedSum(exports, weights, 1.01, hub) ?? { value: 0, evidence: [] };
    const expThen = weightedSum(exports, yearBefore, 1.01, hub) ?? { value: 0, evidence: [] };
    const impChange = change(impNow.value, impThen.value);
    const expChange = change(expNow.value, expThen.value);
    const scores = storyScores(impChange, expChange, config);
    const best: Story =
      Math.max(scores.transshipment, scores.invoicing_hub) < 0.5
        ? "inconclusive"
        : scores.transshipment >= scores.invoicing_hub
          ? "transshipment"
          : "invoicing_hub";
    const score = round(Math.max(scores.transshipment, scores.invoicing_hub), 2);
    const id = alertIdFor(CORROBORATION, { company: entry.company }, hub, d.period);
    if (out.has(id)) continue; // one assessment per hub and quarter (share shift and level shift may both point at it)
    const span = monthSpan(weights);
    out.set(id, {
      alertId: id,
      rule: CORROBORATION,
      kind: "anomaly",
      severity: best === "transshipment" ? (score >= 0.8 ? "critical" : "warning") : "info",
      entity: { company: entry.company },
      region: hub,
      regionName: d.regionName,
      period: d.period,
      baselinePeriod: monthSpan(yearBefore),
      observed: d.observed,
      baseline: d.baseline,
      score,
      threshold: 0.5,
      summary:
        `${d.regionName}'s share of ${entry.company} revenue rose to ${pct(d.observed)} in ${d.period} (${pp(d.observed - d.baseline)}, ` +
        `${d.rule === SHARE_SHIFT ? "year on year" : "sustained level shift"}) while its imports of HS ${entry.hsCodes.join(", ")} from ` +
        `${entry.origins.join(", ")} changed ${times(impChange)} and its exports and re-exports of them to ${config.destinations.join(", ")} ` +
        `${times(expChange)} over ${span} against a year earlier: ${STORY_WORDING[best]} (score ${score.toFixed(2)}); ${basis}.`,
      basis,
      evidence: [...new Set([...d.evidence, ...impNow.evidence, ...impThen.evidence, ...expNow.evidence, ...expThen.evidence])].sort(),
    });
  }
  return [...out.values()];
}
