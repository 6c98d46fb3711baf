import type { ShareComposition } from "./inputs";

/**
 * A composition of `entity` in `period` from amounts per region (shares computed, parts largest
 * first, names = region ids unless given): for examples, fixtures and hand-made inputs.
 */
export function compositionOf(
  entity: Record<string, string>,
  period: string,
  amounts: Record<string, number>,
  extra: { basis?: string; names?: Record<string, string> } = {},
): ShareComposition {
  const total = Object.values(amounts).reduce((s, a) => s + a, 0);
  return {
    schemaVersion: 1,
    entity,
    period,
    total,
    parts: Object.entries(amounts)
      .map(([region, amount]) => ({ region, name: extra.names?.[region] ?? region, amount, share: amount / total }))
      .sort((a, b) => b.amount - a.amount),
    evidence: Object.keys(amounts).map((r) => `${Object.values(entity).join("+")}|${period}|${r}`),
    ...(extra.basis ? { basis: extra.basis } : {}),
  };
}
