import type { Composition, Severity } from "@entrepot/schemas";
import { pct, pp, times } from "./format";

export const YOY_SHARE_SHIFT = "share_shift_yoy";

export interface YoyShareShiftConfig {
  /** minimum move of a region's share, in percentage points, against the same quarter a year earlier */
  minShiftPp: number;
  /** moves at least this many pp are critical */
  criticalShiftPp: number;
  /** periods whose total is below this (USD) are not judged */
  minTotalUsd: number;
}

export const DEFAULT_YOY_SHARE_SHIFT: YoyShareShiftConfig = { minShiftPp: 8, criticalShiftPp: 12, minTotalUsd: 1 };

/** An alert as a detector states it, before lifecycle (status, revision, time) is applied. */
export interface AlertDraft {
  alertId: string;
  rule: string;
  severity: Severity;
  entity: Record<string, string>;
  region: string;
  regionName: string;
  period: string;
  baselinePeriod: string;
  observed: number;
  baseline: number;
  score: number;
  threshold: number;
  summary: string;
  basis: string;
  evidence: string[];
}

export function alertIdFor(rule: string, entity: Record<string, string>, region: string, period: string): string {
  const e = Object.keys(entity)
    .sort()
    .map((k) => entity[k])
    .join("+");
  return `${rule}|${e}|${region}|${period}`;
}

/** `FY2025-Q3` -> `FY2024-Q3`; null for other period shapes. */
export function sameQuarterYearBefore(period: string): string | null {
  const m = /^FY(\d{4})-Q([1-4])$/.exec(period);
  return m ? `FY${Number(m[1]) - 1}-Q${m[2]}` : null;
}

/**
 * First rule: a region's share of a company's quarterly revenue moved by at least `minShiftPp`
 * against the same quarter a year earlier. Regions absent from either period are not compared
 * (a region appearing in a filing is a definition change, not a move).
 */
export function detectYoyShareShifts(
  compositions: readonly Composition[],
  config: YoyShareShiftConfig = DEFAULT_YOY_SHARE_SHIFT,
  basis = "revenue by customer billing location",
): AlertDraft[] {
  const byEntityPeriod = new Map<string, Composition>();
  for (const c of compositions) byEntityPeriod.set(`${JSON.stringify(c.entity)}|${c.period}`, c);
  const drafts: AlertDraft[] = [];
  for (const now of compositions) {
    const basePeriod = sameQuarterYearBefore(now.period);
    if (!basePeriod) continue;
    const base = byEntityPeriod.get(`${JSON.stringify(now.entity)}|${basePeriod}`);
    if (!base || now.total < config.minTotalUsd || base.total < config.minTotalUsd) continue;
    for (const part of now.parts) {
      const before = base.parts.find((p) => p.region === part.region);
      if (!before) continue;
      const delta = part.share - before.share;
      const movePp = Math.abs(delta) * 100;
      if (movePp + 1e-9 < config.minShiftPp) continue;
      const company = now.entity.company ?? Object.values(now.entity).join("/");
      const twoBack = sameQuarterYearBefore(basePeriod);
      const older = twoBack ? byEntityPeriod.get(`${JSON.stringify(now.entity)}|${twoBack}`) : undefined;
      const olderShare = older?.parts.find((p) => p.region === part.region)?.share;
      const context = olderShare !== undefined ? ` It was ${pct(olderShare)} in ${twoBack}.` : "";
      drafts.push({
        alertId: alertIdFor(YOY_SHARE_SHIFT, now.entity, part.region, now.period),
        rule: YOY_SHARE_SHIFT,
        severity: movePp >= config.criticalShiftPp ? "critical" : "warning",
        entity: now.entity,
        region: part.region,
        regionName: part.name,
        period: now.period,
        baselinePeriod: basePeriod,
        observed: part.share,
        baseline: before.share,
        score: movePp,
        threshold: config.minShiftPp,
        summary:
          `${part.name}'s share of ${company} revenue ${delta >= 0 ? "rose" : "fell"} to ${pct(part.share)} in ${now.period} ` +
          `from ${pct(before.share)} in ${basePeriod} (${pp(delta)}: ${part.name} revenue ${times(part.amount, before.amount)}, ` +
          `total ${times(now.total, base.total)}); ${basis}.${context}`,
        basis,
        evidence: [...now.evidence, ...base.evidence].sort(),
      });
    }
  }
  return drafts;
}
