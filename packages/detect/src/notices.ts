import type { Composition } from "@entrepot/schemas";
import { type AlertDraft, alertIdFor, basisTextOf, entityLabel } from "./alertDraft";
import { basisOf, byEntity, entityKey } from "./compositions";
import { money, pct, round } from "./format";

export const TOTAL_MISMATCH = "total_mismatch";
export const UNRECOGNIZED_REGION = "unrecognized_region";
export const BASIS_CHANGE = "basis_change";

export interface NoticeConfig {
  /** regions must add up to the reported total within this fraction of it */
  totalTolerance: number;
}

export const DEFAULT_NOTICES: NoticeConfig = { totalTolerance: 0.002 };

/**
 * Data-quality notices (kind `data_quality`): a period whose regions do not add up to its reported
 * total (`total_mismatch`, naming the gap; not when a missing row already explains it), and a label
 * nobody recognised (`unrecognized_region`, once per series, where it first appears; it stays in
 * the composition as its own region so shares stay right).
 */
export function detectDataQuality(
  compositions: readonly Composition[],
  config: NoticeConfig = DEFAULT_NOTICES,
  billingWording = "revenue by customer billing location",
): AlertDraft[] {
  const drafts: AlertDraft[] = [];
  for (const series of byEntity(compositions)) {
    const seen = new Set<string>();
    for (const c of series) {
      const basis = basisTextOf(c, billingWording);
      const company = entityLabel(c.entity);
      for (const part of c.parts) {
        if (part.kind !== "opaque" || seen.has(part.region)) continue;
        seen.add(part.region);
        drafts.push({
          alertId: alertIdFor(UNRECOGNIZED_REGION, c.entity, part.region, c.period, c.basis),
          rule: UNRECOGNIZED_REGION,
          kind: "data_quality",
          severity: "warning",
          entity: c.entity,
          region: part.region,
          regionName: part.name,
          period: c.period,
          baselinePeriod: c.period,
          observed: part.share,
          baseline: 0,
          score: 0,
          threshold: 0,
          summary:
            `"${part.name}" in ${company}'s table is not a country or reporting group Entrepot knows (first seen ${c.period}, ` +
            `${pct(part.share)} of revenue): kept as a region of its own so every share stays over the full total, and judged ` +
            `like any other region; ${basis}.`,
          basis,
          evidence: c.evidence.filter((k) => k.includes(`|${part.region}`)),
        });
      }
      const gap = c.unattributed;
      if (c.reportedTotal === undefined || gap === undefined || c.reportedTotal <= 0) continue;
      if (Math.abs(gap) <= config.totalTolerance * c.reportedTotal || (c.disappeared?.length ?? 0) > 0) continue;
      const sum = c.reportedTotal - gap;
      drafts.push({
        alertId: alertIdFor(TOTAL_MISMATCH, c.entity, "TOTAL", c.period, c.basis),
        rule: TOTAL_MISMATCH,
        kind: "data_quality",
        severity: Math.abs(gap) > 0.05 * c.reportedTotal ? "warning" : "info",
        entity: c.entity,
        region: "TOTAL",
        regionName: "Total",
        period: c.period,
        baselinePeriod: c.period,
        observed: round(sum / c.reportedTotal, 6),
        baseline: 1,
        score: round((gap / c.reportedTotal) * 100, 2),
        threshold: config.totalTolerance * 100,
        summary:
          `${company}'s regions add up to ${money(sum)} in ${c.period} against a reported total of ${money(c.reportedTotal)} ` +
          `(${(100 * (sum / c.reportedTotal)).toFixed(1)}%): ${money(Math.abs(gap))} ${gap > 0 ? "is not attributed to any region" : "more than the total"}; ` +
          `shares are over the reported total; ${basis}.`,
        basis,
        evidence: c.evidence,
      });
    }
  }
  return drafts;
}

/**
 * A change of basis is one notice per company and change: from what, to what, from which period,
 * with like-for-like figures from a period reported on both bases (a recast). Each basis is a
 * series of its own, so no rule compares across the change; this says that it happened. The
 * notice's region is the one whose share moved most between the bases in the recast period
 * (observed: its share on the new basis, baseline: on the old), or the largest region on the new
 * basis when nothing was recast.
 */
export function detectBasisChanges(
  compositions: readonly Composition[],
  billingWording = "revenue by customer billing location",
): AlertDraft[] {
  const byCompany = new Map<string, Composition[]>();
  for (const c of compositions) {
    if (c.frequency && c.frequency !== "quarter" && c.frequency !== "half" && c.frequency !== "year") continue;
    const k = `${entityKey(c.entity)}|${c.frequency ?? "quarter"}`;
    byCompany.set(k, [...(byCompany.get(k) ?? []), c]);
  }
  const drafts: AlertDraft[] = [];
  for (const list of byCompany.values()) {
    const firstOf = new Map<string, string>();
    const lastOf = new Map<string, string>();
    for (const c of list) {
      const b = basisOf(c);
      if (!firstOf.has(b) || c.period < (firstOf.get(b) as string)) firstOf.set(b, c.period);
      if (!lastOf.has(b) || c.period > (lastOf.get(b) as string)) lastOf.set(b, c.period);
    }
    // bases in the order they were last used: each later one replaced the one before
    const bases = [...lastOf.keys()].sort((a, b) => (lastOf.get(a) as string).localeCompare(lastOf.get(b) as string));
    for (let i = 1; i < bases.length; i++) {
      const from = bases[i - 1] as string;
      const to = bases[i] as string;
      const oldOnes = list.filter((c) => basisOf(c) === from);
      const newOnes = list.filter((c) => basisOf(c) === to).sort((a, b) => a.period.localeCompare(b.period));
      // periods on the new basis up to the old basis' last one were recast; the first later one is the first reported on it alone
      const lastOld = lastOf.get(from) as string;
      const recast = newOnes.filter((c) => c.period <= lastOld);
      const first = newOnes[0];
      if (!first) continue;
      const own = newOnes.find((c) => c.period > lastOld);
      const fromText = basisTextOf({ basis: from }, billingWording);
      const toText = basisTextOf({ basis: to }, billingWording);
      const company = entityLabel(first.entity);
      const both = [...recast].reverse().find((c) => oldOnes.some((o) => o.period === c.period));
      const old = both ? oldOnes.find((o) => o.period === both.period) : undefined;
      const moves =
        both && old
          ? both.parts
              .map((p) => ({ p, before: old.parts.find((q) => q.region === p.region)?.share }))
              .sort(
                (a, b) =>
                  Number(b.before !== undefined) - Number(a.before !== undefined) ||
                  Math.abs(b.p.share - (b.before ?? 0)) - Math.abs(a.p.share - (a.before ?? 0)),
              )
          : [];
      const lead = moves[0];
      const region = lead?.p ?? [...first.parts].sort((a, b) => b.share - a.share)[0];
      if (!region) continue;
      const likeForLike =
        both && old
          ? ` ${both.period} on both: ${moves
              .map(({ p, before }) => `${p.name} ${before === undefined ? "not reported" : pct(before)} -> ${pct(p.share)}`)
              .join(", ")}${old.parts
              .filter((q) => !both.parts.some((p) => p.region === q.region))
              .map((q) => `, ${q.name} ${pct(q.share)} -> not reported`)
              .join("")}.`
          : " No period is reported on both bases, so nothing is compared across the change.";
      const since = own && own.period !== first.period ? `${own.period} (${recast.map((c) => c.period).join(", ")} recast)` : first.period;
      drafts.push({
        alertId: alertIdFor(BASIS_CHANGE, first.entity, "*", first.period, to),
        rule: BASIS_CHANGE,
        kind: "definition_change",
        severity: both ? "info" : "warning",
        entity: first.entity,
        region: region.region,
        regionName: region.name,
        period: both?.period ?? first.period,
        baselinePeriod: lastOf.get(from) as string,
        observed: region.share,
        baseline: lead?.before ?? 0,
        score: lead ? round((region.share - (lead.before ?? 0)) * 100, 2) : 0,
        threshold: 0,
        summary:
          `${company} reports revenue by region on a new basis from ${since}: ${toText}, previously ${fromText} (last ${lastOf.get(from)}); ` +
          `every region's series restarts on the new basis and is compared like for like only with periods on it, ` +
          `not a move.${likeForLike}`,
        basis: toText,
        evidence: [...first.evidence, ...(old?.evidence ?? []), ...(both?.evidence ?? [])].sort(),
      });
    }
  }
  return drafts;
}
