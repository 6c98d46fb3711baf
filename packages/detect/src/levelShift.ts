import type { Composition } from "@entrepot/schemas";
import { type AlertDraft, alertIdFor, basisTextOf, entityLabel } from "./alertDraft";
import { byEntity, entityKey, judgeable, seriesKey } from "./compositions";
import type { DefinitionBreaks } from "./definitionChange";
import { pct, possessive, pp, round, times } from "./format";
import { fromLogRatio, logRatio, madSigma, median } from "./robustStats";

export const LEVEL_SHIFT = "level_shift";

export interface LevelShiftConfig {
  enabled: boolean;
  /** periods that set a regime's reference level (median) and spread (MAD) */
  referenceLength: number;
  /** CUSUM slack per period, in sigma units */
  k: number;
  /** CUSUM decision threshold, in sigma units */
  h: number;
  /**
   * Each period's standardized deviation is clipped to +-clip before it is accumulated (a
   * Huber-type robust CUSUM), so a single one-period outlier cannot cross `h` on its own.
   */
  clip: number;
  /** minimum difference between the new and the reference level, in percentage points */
  minShiftPp: number;
  /** shifts of at least this many pp are critical */
  criticalShiftPp: number;
  /** floor of the reference sigma, in log-ratio units */
  sigmaFloor: number;
}

export const DEFAULT_LEVEL_SHIFT: LevelShiftConfig = {
  enabled: true,
  referenceLength: 4,
  k: 0.5,
  h: 5,
  clip: 3.5,
  minShiftPp: 3,
  criticalShiftPp: 10,
  sigmaFloor: 0.08,
};

interface Point {
  c: Composition;
  share: number;
  amount: number;
  name: string;
  x: number;
}

/**
 * Sustained level shift: a two-sided CUSUM on the region's log-ratio (region vs rest), in units
 * of the robust sigma of a reference stretch. A gradual climb accumulates evidence period after
 * period, so 9% -> 14% -> 17% -> 22% is one regime change even when no single step is large.
 *
 * One alert per regime change, keyed by its onset period (the period after the CUSUM last sat
 * at zero; CUSUM is causal, so later data never moves an earlier onset). After an alarm the
 * next `referenceLength` periods are the new regime's settling stretch: the alert is updated with
 * the latest level while the series keeps moving, then those periods become the new reference.
 * If the new reference sits back within `minShiftPp / 2` of the old level, the alert is resolved.
 * A region's series starts where it is first reported, so a region split out of a group is only
 * compared with itself (like with like).
 */
export function detectLevelShifts(
  compositions: readonly Composition[],
  config: LevelShiftConfig = DEFAULT_LEVEL_SHIFT,
  billingWording = "revenue by customer billing location",
  breaks?: DefinitionBreaks,
  reportedSteps: readonly Pick<AlertDraft, "entity" | "region" | "period" | "score" | "basis">[] = [],
): AlertDraft[] {
  if (!config.enabled) return [];
  const drafts: AlertDraft[] = [];
  for (const series of byEntity(compositions)) {
    if (series[0]?.frequency && series[0].frequency !== "quarter" && series[0].frequency !== "month") continue;
    const key = series[0] ? seriesKey(series[0]) : "";
    const basis = series[0] ? basisTextOf(series[0], billingWording) : billingWording;
    const regions = new Set(series.flatMap((c) => c.parts.map((p) => p.region)));
    /** the quarter-of-the-move alerts already raised for a region of this series (same entity and basis): period -> direction */
    const stepsOf = (region: string) =>
      new Map(
        reportedSteps
          .filter((d) => d.region === region && d.basis === basis && entityKey(d.entity) === entityKey(series[0]?.entity ?? {}))
          .map((d) => [d.period, Math.sign(d.score)] as const),
      );
    for (const region of [...regions].sort()) {
      const points: Point[] = [];
      for (const c of series) {
        const p = c.parts.find((q) => q.region === region);
        if (!p || !judgeable(c)) continue;
        points.push({ c, share: p.share, amount: p.amount, name: p.name, x: logRatio(p.share) });
      }
      // a definition change starts a new series: never compare across it
      const cuts = breaks?.periods(key, region) ?? [];
      let segment: Point[] = [];
      for (const p of points) {
        if (cuts.includes(p.c.period) && segment.length > 0) {
          drafts.push(...regimeChanges(region, segment, config, basis, stepsOf(region)));
          segment = [];
        }
        segment.push(p);
      }
      drafts.push(...regimeChanges(region, segment, config, basis, stepsOf(region)));
    }
  }
  return drafts;
}

/**
 * `steps`: periods where a quarter-of-the-move rule already reported this region, with the
 * direction; a regime change whose alarm was built on such a step (same direction, between its
 * onset and its alarm) is not reported again as a level shift — the step said it in its quarter.
 */
function regimeChanges(
  region: string,
  points: readonly Point[],
  config: LevelShiftConfig,
  basis: string,
  steps: ReadonlyMap<string, number> = new Map(),
): AlertDraft[] {
  const out: AlertDraft[] = [];
  let refStart = 0;
  while (refStart + config.referenceLength <= points.length) {
    const ref = points.slice(refStart, refStart + config.referenceLength);
    const mu = median(ref.map((p) => p.x));
    const refSigma = Math.max(madSigma(ref.map((p) => p.x)), config.sigmaFloor);
    // Two robust estimates of the noise, the larger wins: the spread of the reference stretch,
    // and the spread of period-to-period differences of the segment so far (more points; a
    // single step or a steady climb moves the differences' median, not their spread). Both use
    // only data up to the period judged, so later data never moves an earlier alarm.
    const diffs: number[] = [];
    for (let j = refStart + 1; j < refStart + config.referenceLength; j++) diffs.push((points[j] as Point).x - (points[j - 1] as Point).x);
    /** called for i = refStart + referenceLength, +1, ... in order: the differences grow by one each time */
    const sigmaAt = (i: number): number => {
      diffs.push((points[i] as Point).x - (points[i - 1] as Point).x);
      return Math.max(refSigma, diffs.length >= 3 ? madSigma(diffs) / Math.SQRT2 : 0);
    };
    const baseShare = fromLogRatio(mu);
    let up = 0;
    let down = 0;
    let upStart = refStart + config.referenceLength;
    let downStart = upStart;
    let alarm: { at: number; onset: number; dir: 1 | -1; stat: number } | undefined;
    for (let i = refStart + config.referenceLength; i < points.length; i++) {
      const raw = ((points[i] as Point).x - mu) / sigmaAt(i);
      const z = Math.max(-config.clip, Math.min(config.clip, raw));
      if (up === 0) upStart = i;
      if (down === 0) downStart = i;
      up = Math.max(0, up + z - config.k);
      down = Math.max(0, down - z - config.k);
      const dir = up > config.h ? 1 : down > config.h ? -1 : 0;
      if (dir === 0) continue;
      const onset = dir === 1 ? upStart : downStart;
      const levelNow = median(points.slice(onset, i + 1).map((p) => p.share));
      if (Math.abs(levelNow - baseShare) * 100 + 1e-9 < config.minShiftPp) continue;
      alarm = { at: i, onset, dir, stat: dir === 1 ? up : down };
      break;
    }
    if (!alarm) break;
    // the settling stretch after the alarm; the alert follows the series until it settles
    const settleEnd = Math.min(points.length, alarm.at + 1 + config.referenceLength);
    const last = points[settleEnd - 1] as Point;
    const onsetPoint = points[alarm.onset] as Point;
    const refFirst = ref[0] as Point;
    const refLast = ref[ref.length - 1] as Point;
    const nextRef = points.slice(alarm.at + 1, alarm.at + 1 + config.referenceLength);
    const settled = nextRef.length === config.referenceLength;
    // once settled, the regime's level is the median of the settling stretch; until then the latest share
    const observed = settled ? fromLogRatio(median(nextRef.map((p) => p.x))) : last.share;
    const resolved = settled && Math.abs(observed - baseShare) * 100 < config.minShiftPp / 2;
    const delta = (resolved ? fromLogRatio(median(points.slice(alarm.onset, alarm.at + 1).map((p) => p.x))) : observed) - baseShare;
    const move = Math.abs(delta) * 100;
    const company = entityLabel(last.c.entity);
    const span = settleEnd - alarm.onset;
    const stepped = points.slice(alarm.onset, alarm.at + 1).some((p) => steps.get(p.c.period) === alarm?.dir);
    const level = baseShare + delta;
    const levelText = settled
      ? `a level of ${pct(level)} (median of ${nextRef[0]?.c.period}..${last.c.period})`
      : `${pct(level)} in ${last.c.period}`;
    if (!stepped)
      out.push({
        alertId: alertIdFor(LEVEL_SHIFT, last.c.entity, region, onsetPoint.c.period, last.c.basis),
        rule: LEVEL_SHIFT,
        kind: "anomaly",
        severity: move >= config.criticalShiftPp ? "critical" : "warning",
        entity: last.c.entity,
        region,
        regionName: last.name,
        // the quarter whose data raised or last updated the alert, and that quarter's share
        period: last.c.period,
        onset: onsetPoint.c.period,
        baselinePeriod: `${refFirst.c.period}..${refLast.c.period}`,
        observed: last.share,
        baseline: baseShare,
        score: round(alarm.stat, 2),
        threshold: config.h,
        summary:
          `${possessive(last.name)} share of ${company} revenue was ${pct(last.share)} in ${last.c.period} (that quarter), against a ` +
          `${pct(baseShare)} level over ${refFirst.c.period}..${refLast.c.period} (median of ${ref.length} quarters): one sustained shift ` +
          `${alarm.dir === 1 ? "up" : "down"} starting ${onsetPoint.c.period}, to ${levelText}, ${pp(delta)} between the levels over ` +
          `${span} ${span === 1 ? "period" : "periods"} (${last.name} revenue ${times(last.amount, refLast.amount)}, total ` +
          `${times(last.c.total, refLast.c.total)} since ${refLast.c.period}); CUSUM ${alarm.stat.toFixed(1)} > ${config.h} in robust sigmas of its log-ratio; ` +
          `${basis}.${resolved ? ` It has since returned to a level of ${pct(observed)}.` : ""}`,
        basis,
        evidence: [...new Set([...ref, ...points.slice(alarm.onset, settleEnd)].flatMap((p) => p.c.evidence))].sort(),
        ...(resolved ? { resolved: true } : {}),
      });
    if (!settled) break;
    refStart = alarm.at + 1;
  }
  return out;
}
