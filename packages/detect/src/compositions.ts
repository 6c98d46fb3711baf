import type { Composition, RevenueClean } from "@entrepot/schemas";
import { revenueCleanKey } from "@entrepot/schemas";

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

/** company x fiscal quarter -> amount and share per region (regions as reported, groups kept). */
export function revenueCompositions(records: readonly RevenueClean[]): Composition[] {
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
  return out.sort((a, b) => entityKey(a.entity).localeCompare(entityKey(b.entity)) || a.period.localeCompare(b.period));
}

/** Stable text form of an entity, e.g. `company=NVDA`. */
export function entityKey(entity: Record<string, string>): string {
  return Object.keys(entity)
    .sort()
    .map((k) => `${k}=${entity[k]}`)
    .join(",");
}
