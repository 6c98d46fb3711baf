import type { Composition, RevenueClean } from "@entrepot/schemas";
import { revenueCleanKey } from "@entrepot/schemas";
import { periodFrequency, previousPeriod, sameQuarterYearBefore } from "./periods";

/**
 * Latest revision per natural key: a restated figure (later `asOf`) replaces the earlier one;
 * an equal `asOf` keeps the last one seen.
 */
export function latestRevisions(records: readonly RevenueClean[]): RevenueClean[] {
  const byKey = new Map<string, RevenueClean>();
  for (const r of records) {
    const key = revenueCleanKey(r);
    const prev = byKey.get(key);
    if (!prev || r.asOf >= prev.asOf) byKey.set(key, r);
  }
  return [...byKey.values()];
}

export interface CompositionOptions {
  /** totals below this (USD) are flagged `tinyTotal`: shown, not judged */
  minTotalUsd?: number;
  /** regions must add up to a reported total within this fraction of it (else a total_mismatch notice) */
  totalTolerance?: number;
}

/**
 * company x fiscal period x basis -> amount and share per region (regions as reported, groups
 * kept, unknown labels as opaque regions), annotated with share changes vs the previous period and
 * a year earlier, HHI, gaps and regions that appeared or disappeared. A reported total (region
 * `TOTAL`) is the denominator of every share; without one the regions' sum is. Facts on different
 * bases never share a composition. Restatements: the latest revision of each fact wins.
 */
export function revenueCompositions(records: readonly RevenueClean[], options: CompositionOptions = {}): Composition[] {
  const groups = new Map<string, RevenueClean[]>();
  for (const r of latestRevisions(records)) {
    const key = `${r.company}|${r.fiscalPeriod}|${r.basis}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const out: Composition[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    if (!first) continue;
    const regions = list.filter((r) => r.regionKind !== "total");
    const reported = list.find((r) => r.regionKind === "total");
    const sum = regions.reduce((s, r) => s + r.revenueUsd, 0);
    const total = reported ? reported.revenueUsd : sum;
    const frequency = periodFrequency(first.fiscalPeriod);
    out.push({
      schemaVersion: 1,
      entity: { company: first.company },
      period: first.fiscalPeriod,
      ...(first.basis !== "billing" ? { basis: first.basis } : {}),
      ...(frequency && frequency !== "quarter" ? { frequency } : {}),
      total,
      ...(reported ? { reportedTotal: reported.revenueUsd, unattributed: reported.revenueUsd - sum } : {}),
      parts: regions
        .map((r) => ({
          region: r.region,
          name: r.regionName,
          amount: r.revenueUsd,
          share: total > 0 ? r.revenueUsd / total : 0,
          ...(r.regionKind === "opaque" ? { kind: "opaque" as const } : {}),
          ...(r.includes ? { includes: r.includes } : {}),
          ...(r.excludes ? { excludes: r.excludes } : {}),
        }))
        .sort((a, b) => b.amount - a.amount || a.region.localeCompare(b.region)),
      evidence: list.map(revenueCleanKey).sort(),
    });
  }
  out.sort((a, b) => seriesKey(a).localeCompare(seriesKey(b)) || a.period.localeCompare(b.period));
  return annotateCompositions(out, options);
}

/**
 * A composition the rules can judge: a total above the floor, and not a period missing a region
 * with no reported total to keep the other regions' shares right.
 */
export function judgeable(c: Composition | undefined): c is Composition {
  return c !== undefined && !c.tinyTotal && c.total > 0 && !((c.disappeared?.length ?? 0) > 0 && c.reportedTotal === undefined);
}

/** The basis of a composition's figures (absent = billing). */
export const basisOf = (c: Pick<Composition, "basis">): string => c.basis ?? "billing";

/**
 * A series: one entity on one basis at one frequency. Rules compare periods of one series only, so
 * a change of basis or a switch from annual to quarterly reporting never reads as a move.
 * `company=NVDA` for billing quarters (as before), `company=NVDA;basis=headquarters`,
 * `company=AAPL;frequency=year`.
 */
export function seriesKey(c: Pick<Composition, "entity" | "basis" | "frequency">): string {
  const basis = c.basis && c.basis !== "billing" ? `;basis=${c.basis}` : "";
  const frequency = c.frequency && c.frequency !== "quarter" ? `;frequency=${c.frequency}` : "";
  return `${entityKey(c.entity)}${basis}${frequency}`;
}

/** Adds changes vs previous period and year earlier, HHI, gaps, appeared/disappeared regions, tiny totals. */
export function annotateCompositions(compositions: readonly Composition[], options: CompositionOptions = {}): Composition[] {
  const minTotal = options.minTotalUsd ?? 0;
  const index = new Map(compositions.map((c) => [`${seriesKey(c)}|${c.period}`, c]));
  const firstPeriod = new Map<string, string>();
  for (const c of compositions) {
    const k = seriesKey(c);
    const f = firstPeriod.get(k);
    if (f === undefined || c.period < f) firstPeriod.set(k, c.period);
  }
  return compositions.map((c) => {
    const ek = seriesKey(c);
    const prevPeriod = previousPeriod(c.period);
    const yoyPeriod = sameQuarterYearBefore(c.period);
    const prev = prevPeriod ? index.get(`${ek}|${prevPeriod}`) : undefined;
    const yoy = yoyPeriod ? index.get(`${ek}|${yoyPeriod}`) : undefined;
    const judged = (x: Composition | undefined) => (x && x.total > 0 && x.total >= minTotal ? x : undefined);
    const p = judged(prev);
    const y = judged(yoy);
    const hasEarlier = (firstPeriod.get(ek) ?? c.period) < c.period;
    const tiny = c.total <= 0 || c.total < minTotal;
    const parts = c.parts.map((part) => {
      const before = p?.parts.find((q) => q.region === part.region);
      const yearAgo = y?.parts.find((q) => q.region === part.region);
      return {
        ...part,
        changePrev: !tiny && before ? part.share - before.share : null,
        changeYoy: !tiny && yearAgo ? part.share - yearAgo.share : null,
        ...(prev && !prev.parts.some((q) => q.region === part.region) ? { appeared: true } : {}),
      };
    });
    const disappeared = prev ? prev.parts.filter((q) => !c.parts.some((r) => r.region === q.region)).map((q) => q.region) : [];
    return {
      ...c,
      parts,
      hhi: c.parts.reduce((s, q) => s + q.share * q.share, 0),
      ...(hasEarlier && !prev ? { gapBefore: true } : {}),
      ...(tiny ? { tinyTotal: true } : {}),
      ...(disappeared.length ? { disappeared } : {}),
    };
  });
}

/** Stable text form of an entity, e.g. `company=NVDA`. */
export function entityKey(entity: Record<string, string>): string {
  return Object.keys(entity)
    .sort()
    .map((k) => `${k}=${entity[k]}`)
    .join(",");
}

/** Compositions grouped by series (entity, basis, frequency: `seriesKey`), each list sorted by period. */
export function byEntity(compositions: readonly Composition[]): Composition[][] {
  const m = new Map<string, Composition[]>();
  for (const c of compositions) {
    const k = seriesKey(c);
    const list = m.get(k) ?? [];
    list.push(c);
    m.set(k, list);
  }
  return [...m.values()].map((l) => l.sort((a, b) => a.period.localeCompare(b.period)));
}
