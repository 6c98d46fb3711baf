import type { Composition, RevenueClean } from "@entrepot/schemas";
import { revenueCleanKey } from "@entrepot/schemas";
import { previousPeriod, sameQuarterYearBefore } from "./periods";

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
}

/**
 * company x fiscal quarter -> amount and share per region (regions as reported, groups kept),
 * annotated with share changes vs the previous period and a year earlier, HHI, gaps and
 * regions that appeared or disappeared. Restatements: the latest revision of each fact wins.
 */
export function revenueCompositions(records: readonly RevenueClean[], options: CompositionOptions = {}): Composition[] {
  const groups = new Map<string, RevenueClean[]>();
  for (const r of latestRevisions(records)) {
    const key = `${r.company}|${r.fiscalPeriod}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const out: Composition[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    if (!first) continue;
    const total = list.reduce((s, r) => s + r.revenueUsd, 0);
    out.push({
      schemaVersion: 1,
      entity: { company: first.company },
      period: first.fiscalPeriod,
      total,
      parts: list
        .map((r) => ({ region: r.region, name: r.regionName, amount: r.revenueUsd, share: total > 0 ? r.revenueUsd / total : 0 }))
        .sort((a, b) => b.amount - a.amount || a.region.localeCompare(b.region)),
      evidence: list.map(revenueCleanKey).sort(),
    });
  }
  out.sort((a, b) => entityKey(a.entity).localeCompare(entityKey(b.entity)) || a.period.localeCompare(b.period));
  return annotateCompositions(out, options);
}

/** Adds changes vs previous period and year earlier, HHI, gaps, appeared/disappeared regions, tiny totals. */
export function annotateCompositions(compositions: readonly Composition[], options: CompositionOptions = {}): Composition[] {
  const minTotal = options.minTotalUsd ?? 0;
  const index = new Map(compositions.map((c) => [`${entityKey(c.entity)}|${c.period}`, c]));
  const firstPeriod = new Map<string, string>();
  for (const c of compositions) {
    const k = entityKey(c.entity);
    const f = firstPeriod.get(k);
    if (f === undefined || c.period < f) firstPeriod.set(k, c.period);
  }
  return compositions.map((c) => {
    const ek = entityKey(c.entity);
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

/** Compositions grouped by entity, each list sorted by period. */
export function byEntity(compositions: readonly Composition[]): Composition[][] {
  const m = new Map<string, Composition[]>();
  for (const c of compositions) {
    const k = entityKey(c.entity);
    const list = m.get(k) ?? [];
    list.push(c);
    m.set(k, list);
  }
  return [...m.values()].map((l) => l.sort((a, b) => a.period.localeCompare(b.period)));
}
