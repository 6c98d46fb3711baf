import type { Composition } from "@entrepot/schemas";
import { type AlertDraft, alertIdFor, basisTextOf, entityLabel } from "./alertDraft";
import { byEntity, judgeable, seriesKey } from "./compositions";
import type { DefinitionBreaks } from "./definitionChange";
import { money, pct, possessive, pp, round, times } from "./format";
import { previousPeriod, sameQuarterYearBefore } from "./periods";
import { MAD_TO_SIGMA, median } from "./robustStats";

export const SHARE_STEP = "share_step";
export const SHARE_THRESHOLD = "share_threshold";

/** A watched level: alert when `region`'s share of `company`'s revenue crosses `above` (or falls below `below`), in %. */
export interface ShareCrossing {
  company: string;
  region: string;
  above?: number | undefined;
  below?: number | undefined;
}

export interface ShareStepConfig {
  enabled: boolean;
  /** the smallest quarter-on-quarter move judged, in pp */
  minStepPp: number;
  /** a move must also reach k times the company's own robust spread of quarter-on-quarter share changes */
  k: number;
  /** quarters of history the spread is measured over */
  window: number;
  /** earlier period-to-period changes (per region) the spread needs; fewer: not judged */
  minHistory: number;
  /** floor of the spread, pp */
  floorPp: number;
  /** the move in dollars (share change x total) must reach this; smaller moves are not economically significant */
  minMoveUsd: number;
  /** moves of at least this many pp are critical */
  criticalPp: number;
  /** watched levels (per company and region); see ShareCrossing */
  crossings: ShareCrossing[];
}

export const DEFAULT_SHARE_STEP: ShareStepConfig = {
  enabled: true,
  minStepPp: 5,
  k: 3,
  window: 8,
  minHistory: 4,
  floorPp: 1,
  minMoveUsd: 0,
  criticalPp: 10,
  crossings: [],
};

/**
 * The company's own volatility at period index `i`: the robust spread (MAD sigma, pp) of its
 * regions' period-to-period share changes over the `window` periods before `i`, each region
 * centred on its own median (one filing's regions share its noise; a hypergrowth company's
 * shares swing more than a mature one's), or the region's own spread when wider. Undefined with
 * too little history.
 */
export function stepSpread(
  series: readonly Composition[],
  i: number,
  config: ShareStepConfig,
  breaks?: DefinitionBreaks,
): ((region: string) => number) | undefined {
  const key = series[0] ? seriesKey(series[0]) : "";
  const from = Math.max(1, i - config.window + 1);
  const byRegion = new Map<string, number[]>();
  for (let j = from; j < i; j++) {
    const now = series[j];
    const before = series[j - 1];
    if (!judgeable(now) || !judgeable(before) || previousPeriod(now.period) !== before.period) continue;
    for (const p of now.parts) {
      const q = before.parts.find((x) => x.region === p.region);
      if (!q || breaks?.between(key, p.region, before.period, now.period)) continue;
      byRegion.set(p.region, [...(byRegion.get(p.region) ?? []), (p.share - q.share) * 100]);
    }
  }
  const deviations: number[] = [];
  const own = new Map<string, number>();
  for (const [region, changes] of byRegion) {
    if (changes.length < config.minHistory) continue;
    const m = median(changes);
    const d = changes.map((v) => Math.abs(v - m));
    deviations.push(...d);
    own.set(region, MAD_TO_SIGMA * median(d));
  }
  if (deviations.length === 0) return undefined;
  const pooled = Math.max(MAD_TO_SIGMA * median(deviations), config.floorPp);
  // a large region swings more in pp than a small one: its own spread counts when it is the wider
  return (region: string) => Math.max(pooled, own.get(region) ?? 0);
}

/**
 * Step in the quarter of the move: each period against the previous one (and, for context and
 * against seasonality, the same period a year earlier). A move fires when it is at least
 * `minStepPp`, at least k x the company's own spread of period-to-period share changes, at least
 * `minMoveUsd` in dollars, and not contradicted by the year-ago period (a seasonal return to last
 * year's level is not a step). A step right after another of the same region in the same direction
 * is the same move going on: it updates that alert (its id stays, `period` and `observed` follow the
 * latest quarter, `baseline` is the share before the first step). Severity follows the size of the
 * move in pp. Causal: a period is
 * judged with data up to it only, so replaying a file quarter by quarter raises each alert in the
 * quarter that shows the move.
 */
export function detectShareSteps(
  compositions: readonly Composition[],
  config: ShareStepConfig = DEFAULT_SHARE_STEP,
  billingWording = "revenue by customer billing location",
  breaks?: DefinitionBreaks,
): AlertDraft[] {
  if (!config.enabled) return [];
  const drafts: AlertDraft[] = [];
  for (const series of byEntity(compositions)) {
    const key = series[0] ? seriesKey(series[0]) : "";
    const byPeriod = new Map(series.map((c) => [c.period, c]));
    const running = new Map<
      string,
      {
        alertId: string;
        index: number;
        last: string;
        sign: number;
        start: { period: string; share: number; amount: number; total: number };
        moves: string[];
      }
    >();
    series.forEach((now, i) => {
      const before = series[i - 1];
      if (!judgeable(now) || !judgeable(before) || previousPeriod(now.period) !== before.period) return;
      const spreadOf = stepSpread(series, i, config, breaks);
      if (spreadOf === undefined) return;
      const yearAgoPeriod = sameQuarterYearBefore(now.period);
      const yearAgo = yearAgoPeriod && yearAgoPeriod !== before.period ? byPeriod.get(yearAgoPeriod) : undefined;
      for (const part of now.parts) {
        const prev = before.parts.find((q) => q.region === part.region);
        if (!prev || breaks?.between(key, part.region, before.period, now.period)) continue;
        const spread = spreadOf(part.region);
        const bar = Math.max(config.minStepPp, config.k * spread);
        const delta = part.share - prev.share;
        const movePp = Math.abs(delta) * 100;
        if (movePp + 1e-9 < bar || Math.abs(delta) * now.total < config.minMoveUsd) continue;
        const then =
          judgeable(yearAgo) && yearAgoPeriod && !breaks?.between(key, part.region, yearAgoPeriod, now.period)
            ? yearAgo.parts.find((q) => q.region === part.region)
            : undefined;
        // a return to last year's level (seasonality) is not a step: the year-on-year change must go the same way
        if (then && (Math.sign(part.share - then.share) !== Math.sign(delta) || Math.abs(part.share - then.share) * 100 < config.minStepPp))
          continue;
        const company = entityLabel(now.entity);
        const basis = basisTextOf(now, billingWording);
        const context = then ? ` It was ${pct(then.share)} a year earlier (${yearAgoPeriod}).` : "";
        // a step in the same direction right after another is the same move going on: it updates that alert
        const open = running.get(part.region);
        const continues = open && open.last === before.period && open.sign === Math.sign(delta);
        const start = continues ? open.start : { period: before.period, share: prev.share, amount: prev.amount, total: before.total };
        const moves = [...(continues ? open.moves : []), `${now.period} ${pp(delta)}`];
        const total = part.share - start.share;
        const over =
          moves.length > 1
            ? `${pp(total)} over ${moves.length} quarters (${moves.join(", ")}), ${money(total * now.total)} at this quarter's total`
            : `${pp(delta)}, ${money(delta * now.total)} at this quarter's total`;
        const draft: AlertDraft = {
          alertId: continues ? open.alertId : alertIdFor(SHARE_STEP, now.entity, part.region, now.period, now.basis),
          rule: SHARE_STEP,
          kind: "anomaly",
          severity: Math.abs(total) * 100 >= config.criticalPp ? "critical" : "warning",
          entity: now.entity,
          region: part.region,
          regionName: part.name,
          period: now.period,
          baselinePeriod: start.period,
          observed: part.share,
          baseline: start.share,
          score: round(total * 100, 2),
          threshold: round(bar, 2),
          summary:
            `${possessive(part.name)} share of ${company} revenue ${delta >= 0 ? "rose" : "fell"} to ${pct(part.share)} in ${now.period} ` +
            `from ${pct(start.share)} in ${start.period}, ${moves.length > 1 ? `${moves.length} quarters` : "one quarter"} earlier (${over}: ` +
            `${part.name} revenue ${times(part.amount, start.amount)}, total ${times(now.total, start.total)}); ${company}'s ` +
            `regions usually move ${spread.toFixed(1)} pp a period (robust spread), so the bar was ${bar.toFixed(1)} pp; ${basis}.${context}`,
          basis,
          evidence: [...new Set([...(continues ? (drafts[open.index]?.evidence ?? []) : []), ...now.evidence, ...before.evidence])].sort(),
        };
        if (continues) drafts[open.index] = draft;
        else drafts.push(draft);
        running.set(part.region, {
          alertId: draft.alertId,
          index: continues ? open.index : drafts.length - 1,
          last: now.period,
          sign: Math.sign(delta),
          start,
          moves,
        });
      }
    });
  }
  return drafts;
}

/**
 * Watched levels: `region`'s share of `company`'s revenue crossed a configured level in this
 * period (from below `above` to at least it, or from above `below` to under it). Once crossed,
 * the same crossing is not raised again while the share was beyond the level in any of the
 * previous `window / 2` periods (a share hovering at the level raises one alert, not one a quarter).
 */
export function detectShareCrossings(
  compositions: readonly Composition[],
  config: ShareStepConfig = DEFAULT_SHARE_STEP,
  billingWording = "revenue by customer billing location",
): AlertDraft[] {
  if (!config.enabled || config.crossings.length === 0) return [];
  const drafts: AlertDraft[] = [];
  const rearm = Math.max(1, Math.floor(config.window / 2));
  for (const series of byEntity(compositions)) {
    const company = entityLabel(series[0]?.entity ?? {});
    for (const watch of config.crossings.filter((w) => w.company.toUpperCase() === company.toUpperCase())) {
      const shares = series.map((c) => (judgeable(c) ? c.parts.find((p) => p.region === watch.region) : undefined));
      series.forEach((now, i) => {
        const part = shares[i];
        const prev = shares[i - 1];
        const before = series[i - 1];
        if (!part || !prev || !before) return;
        const recent = shares.slice(Math.max(0, i - rearm), i).filter((p): p is NonNullable<typeof p> => p !== undefined);
        for (const [level, up] of [
          [watch.above, true],
          [watch.below, false],
        ] as const) {
          if (level === undefined) continue;
          const beyond = (s: number) => (up ? s * 100 >= level : s * 100 < level);
          if (!beyond(part.share) || beyond(prev.share) || recent.some((p) => beyond(p.share))) continue;
          const basis = basisTextOf(now, billingWording);
          drafts.push({
            alertId: alertIdFor(SHARE_THRESHOLD, now.entity, part.region, now.period, now.basis),
            rule: SHARE_THRESHOLD,
            kind: "anomaly",
            severity: "warning",
            entity: now.entity,
            region: part.region,
            regionName: part.name,
            period: now.period,
            baselinePeriod: before.period,
            observed: part.share,
            baseline: prev.share,
            score: round((part.share - prev.share) * 100, 2),
            threshold: level,
            summary:
              `${possessive(part.name)} share of ${company} revenue ${up ? "rose above" : "fell below"} the watched level of ${level}% in ` +
              `${now.period}: ${pct(part.share)}, from ${pct(prev.share)} in ${before.period}; ${basis}.`,
            basis,
            evidence: [...now.evidence, ...before.evidence].sort(),
          });
        }
      });
    }
  }
  return drafts;
}
