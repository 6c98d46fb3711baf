import type { Composition } from "@entrepot/schemas";
import { type AlertDraft, alertIdFor, basisTextOf, entityLabel } from "./alertDraft";
import { byEntity, judgeable, seriesKey } from "./compositions";
import type { DefinitionBreaks } from "./definitionChange";
import { pct, possessive, pp, round, times } from "./format";
import { sameQuarterYearBefore } from "./periods";
import { logRatio, MAD_TO_SIGMA, madSigma, median, robustZ } from "./robustStats";

export const SHARE_SHIFT = "share_shift_yoy";

export interface ShareShiftConfig {
  enabled: boolean;
  /** minimum move of a region's share, in percentage points, against the same period a year earlier */
  minShiftPp: number;
  /**
   * a smaller move, of at least this many pp, counts too when it is also a robust outlier against
   * the region's levels over the previous `window` periods (a spike or a step stands out from the
   * recent quarters as well as from the year-earlier one; seasonality and noise rarely do both);
   * at or above minShiftPp it has no effect
   */
  confirmedShiftPp: number;
  /** the robust z against the recent levels such a smaller move needs (above minZ: two tests, a stricter bar) */
  confirmZ: number;
  /** minimum robust z of the year-on-year change in the region's log-ratio against its own history */
  minZ: number;
  /** moves of at least this many pp are critical (severity follows the size of the move, not z) */
  criticalShiftPp: number;
  /** trailing window (periods) of year-on-year changes the z-score is computed over */
  window: number;
  /** fewer earlier year-on-year changes than this: not judged */
  minHistory: number;
  /** floor of the robust sigma, in log-ratio units, so a flat history does not give infinite z */
  sigmaFloor: number;
}

export const DEFAULT_SHARE_SHIFT: ShareShiftConfig = {
  enabled: true,
  minShiftPp: 8,
  confirmedShiftPp: 5,
  confirmZ: 4,
  minZ: 3,
  criticalShiftPp: 12,
  window: 8,
  minHistory: 4,
  sigmaFloor: 0.05,
};

/**
 * Share shift: a region's share moved by at least `minShiftPp` against the same period a year
 * earlier AND the year-on-year change of its log-ratio (region vs rest of the composition) is a
 * robust outlier (median/MAD z >= `minZ`) against the previous `window` year-on-year changes.
 * Seasonal differencing keeps quarterly seasonality and a steady trend from reading as a surge.
 * Regions absent from either period are not compared (that is a definition change, not a move),
 * and periods with a tiny total are not judged. A move that only undoes an outlier in the base
 * period (a one-quarter spike a year earlier, the share now back at its level of two years
 * earlier) is an echo of that outlier, not a new shift, and is not reported.
 */
export function detectShareShifts(
  compositions: readonly Composition[],
  config: ShareShiftConfig = DEFAULT_SHARE_SHIFT,
  billingWording = "revenue by customer billing location",
  breaks?: DefinitionBreaks,
): AlertDraft[] {
  if (!config.enabled) return [];
  const drafts: AlertDraft[] = [];
  for (const series of byEntity(compositions)) {
    const key = series[0] ? seriesKey(series[0]) : "";
    const byPeriod = new Map(series.map((c) => [c.period, c]));
    const usable = (c: Composition | undefined) => (judgeable(c) ? c : undefined);
    /** year-on-year change of the region's log-ratio at a period, if both periods have it */
    const yoyChange = (region: string, c: Composition): number | undefined => {
      const bp = sameQuarterYearBefore(c.period);
      const base = usable(bp ? byPeriod.get(bp) : undefined);
      const a = usable(c)?.parts.find((p) => p.region === region);
      const b = base?.parts.find((p) => p.region === region);
      if (!a || !b || !bp || breaks?.between(key, region, bp, c.period)) return undefined;
      return logRatio(a.share) - logRatio(b.share);
    };
    /** year-on-year log-ratio changes per region, one per period of the series (computed once) */
    const changesByRegion = new Map<string, (number | undefined)[]>();
    const changesOf = (region: string) => {
      let changes = changesByRegion.get(region);
      if (!changes) {
        changes = series.map((c) => yoyChange(region, c));
        changesByRegion.set(region, changes);
      }
      return changes;
    };
    series.forEach((now, i) => {
      const basePeriod = sameQuarterYearBefore(now.period);
      const base = usable(basePeriod ? byPeriod.get(basePeriod) : undefined);
      if (!basePeriod || !base || !usable(now)) return;
      /** the entity's pooled spread at this period: the same for every region, computed once when first needed */
      let pooled: number | undefined;
      for (const part of now.parts) {
        const before = base.parts.find((p) => p.region === part.region);
        if (!before || breaks?.between(key, part.region, basePeriod, now.period)) continue;
        const delta = part.share - before.share;
        const movePp = Math.abs(delta) * 100;
        const small = movePp + 1e-9 < config.minShiftPp;
        if (small && movePp + 1e-9 < config.confirmedShiftPp) continue;
        const changes = changesOf(part.region);
        const history = trailing(changes, i, config.window);
        if (history.length < config.minHistory) continue;
        const change = logRatio(part.share) - logRatio(before.share);
        // the spread: the region's own, averaged (in variance) with the spread of all the entity's regions over the same window
        pooled ??= pooledSigma(
          now.parts.map((other) => changesOf(other.region)),
          i,
          config,
        );
        const own = madSigma(history);
        const sigma = Math.max(Math.sqrt((own * own + pooled * pooled) / 2), config.sigmaFloor);
        const z = (change - median(history)) / sigma;
        if (Math.abs(z) < config.minZ || Math.sign(z) !== Math.sign(delta)) continue;
        if (small) {
          // the log-ratio against the region's levels over the previous `window` periods
          const levels = series
            .slice(Math.max(0, i - config.window), i)
            .map((c) => usable(c)?.parts.find((p) => p.region === part.region)?.share)
            .filter((v): v is number => v !== undefined)
            .map((v) => logRatio(v));
          if (levels.length < config.minHistory) continue;
          const level = robustZ(logRatio(part.share), levels, config.sigmaFloor).z;
          if (Math.abs(level) < config.confirmZ || Math.sign(level) !== Math.sign(delta)) continue;
        }
        const twoBack = sameQuarterYearBefore(basePeriod);
        const olderShare = twoBack ? byPeriod.get(twoBack)?.parts.find((p) => p.region === part.region)?.share : undefined;
        if (
          isEchoOfOutlierBase(
            changes,
            series.findIndex((c) => c.period === basePeriod),
            delta,
            part.share,
            olderShare,
            config,
          )
        )
          continue;
        const company = entityLabel(now.entity);
        const basis = basisTextOf(now, billingWording);
        const context = olderShare !== undefined ? ` It was ${pct(olderShare)} in ${twoBack}.` : "";
        drafts.push({
          alertId: alertIdFor(SHARE_SHIFT, now.entity, part.region, now.period, now.basis),
          rule: SHARE_SHIFT,
          kind: "anomaly",
          severity: movePp >= config.criticalShiftPp ? "critical" : "warning",
          entity: now.entity,
          region: part.region,
          regionName: part.name,
          period: now.period,
          baselinePeriod: basePeriod,
          observed: part.share,
          baseline: before.share,
          score: round(z, 2),
          threshold: config.minZ,
          summary:
            `${possessive(part.name)} share of ${company} revenue ${delta >= 0 ? "rose" : "fell"} to ${pct(part.share)} in ${now.period} ` +
            `from ${pct(before.share)} in ${basePeriod} (${pp(delta)}: ${part.name} revenue ${times(part.amount, before.amount)}, ` +
            `total ${times(now.total, base.total)}); robust z = ${z.toFixed(1)} against the previous ${history.length} year-on-year changes; ` +
            `${basis}.${context}`,
          basis,
          evidence: [...now.evidence, ...base.evidence].sort(),
        });
      }
    });
  }
  return drafts;
}

/**
 * The base period (a year earlier) was itself an outlier in the other direction (its own
 * year-on-year change has |z| >= minZ against its history), and against the period a year before
 * that the share has moved less than `minShiftPp`: the current move is the outlier fading, not news.
 */
function isEchoOfOutlierBase(
  changes: readonly (number | undefined)[],
  baseIndex: number,
  delta: number,
  share: number,
  twoYearsEarlierShare: number | undefined,
  config: ShareShiftConfig,
): boolean {
  const baseChange = baseIndex >= 0 ? changes[baseIndex] : undefined;
  if (baseChange === undefined) return false;
  const baseHistory = trailing(changes, baseIndex, config.window);
  if (baseHistory.length < config.minHistory) return false;
  const { z } = robustZ(baseChange, baseHistory, config.sigmaFloor);
  if (Math.abs(z) < config.minZ || Math.sign(z) === Math.sign(delta)) return false;
  return twoYearsEarlierShare !== undefined && Math.abs(share - twoYearsEarlierShare) * 100 + 1e-9 < config.minShiftPp;
}

/**
 * The robust spread (MAD sigma) of the year-on-year changes of all of an entity's regions over the
 * `window` periods before period `i`, each region centred on its own median. One filing's regions
 * share its noise, so this steadies the estimate a short history of one region gives.
 */
export function pooledSigma(changesPerRegion: readonly (readonly (number | undefined)[])[], i: number, config: ShareShiftConfig): number {
  const deviations: number[] = [];
  for (const changes of changesPerRegion) {
    const h = trailing(changes, i, config.window);
    if (h.length < config.minHistory) continue;
    const m = median(h);
    for (const v of h) deviations.push(Math.abs(v - m));
  }
  return deviations.length > 0 ? MAD_TO_SIGMA * median(deviations) : 0;
}

/** The last `window` known values before index `i`: a region's history at a period. */
function trailing(values: readonly (number | undefined)[], i: number, window: number): number[] {
  return values
    .slice(0, i)
    .filter((v): v is number => v !== undefined)
    .slice(-window);
}
