import type { Composition } from "@entrepot/schemas";
import { type AlertDraft, alertIdFor, entityLabel } from "./alertDraft";
import { byEntity, entityKey } from "./compositions";
import { pct, pp, round } from "./format";

export const DEFINITION_CHANGE = "definition_change";

export interface DefinitionChangeConfig {
  enabled: boolean;
  /**
   * A group's drop matches a new region's share when they differ by at most this many pp or
   * this fraction of the new region's share, whichever is larger.
   */
  tolerancePp: number;
  toleranceFraction: number;
}

export const DEFAULT_DEFINITION_CHANGE: DefinitionChangeConfig = { enabled: true, tolerancePp: 2, toleranceFraction: 0.35 };

type Part = Composition["parts"][number];

/**
 * Definition changes are not anomalies. A region reported for the first time in an entity with
 * earlier periods (e.g. Singapore split out of "Other countries") is matched against the regions
 * whose share fell in the same period by about as much (its parent group); a region that stops
 * being reported is matched against the regions that rose (merged or renamed). Either way the
 * alert is kind `definition_change` with severity `info` when the matching move is found
 * (`warning` when not), and the text compares like with like instead of "0% -> 15%".
 */
export function detectDefinitionChanges(
  compositions: readonly Composition[],
  config: DefinitionChangeConfig = DEFAULT_DEFINITION_CHANGE,
  basis = "revenue by customer billing location",
): AlertDraft[] {
  return findDefinitionChanges(compositions, config, basis).drafts;
}

/**
 * Series breaks: for `entityKey|region`, the periods from which the region's series is defined
 * differently (the new region, and the group it was split from or merged into). Other detectors
 * never compare across a break.
 */
export class DefinitionBreaks {
  private readonly m = new Map<string, string[]>();
  add(entity: Record<string, string>, region: string, period: string): void {
    const k = `${entityKey(entity)}|${region}`;
    this.m.set(k, [...(this.m.get(k) ?? []), period]);
  }
  /** periods at which the series of `region` breaks */
  periods(entity: Record<string, string>, region: string): readonly string[] {
    return this.m.get(`${entityKey(entity)}|${region}`) ?? [];
  }
  /** is there a break in (after, upTo]? */
  between(entity: Record<string, string>, region: string, after: string, upTo: string): boolean {
    return this.periods(entity, region).some((p) => p > after && p <= upTo);
  }
}

export function findDefinitionChanges(
  compositions: readonly Composition[],
  config: DefinitionChangeConfig = DEFAULT_DEFINITION_CHANGE,
  basis = "revenue by customer billing location",
): { drafts: AlertDraft[]; breaks: DefinitionBreaks } {
  const breaks = new DefinitionBreaks();
  if (!config.enabled) return { drafts: [], breaks };
  const drafts: AlertDraft[] = [];
  for (const series of byEntity(compositions)) {
    const seenBefore = new Set<string>();
    series.forEach((now, i) => {
      if (i > 0) judge(now, i);
      for (const p of now.parts) seenBefore.add(p.region);
    });
    function judge(now: Composition, i: number): void {
      const prev = series
        .slice(0, i)
        .reverse()
        .find((c) => c.total > 0);
      if (!prev || now.total <= 0) return;
      const company = entityLabel(now.entity);
      const matches = (a: number, b: number, ref: number) =>
        Math.abs(a - b) * 100 <= Math.max(config.tolerancePp, config.toleranceFraction * ref * 100);
      const shareIn = (c: Composition, region: string) => c.parts.find((p) => p.region === region)?.share ?? 0;
      const used = new Set<string>();
      // regions reported on their own for the first time
      for (const part of now.parts.filter((p) => !seenBefore.has(p.region))) {
        const sources = prev.parts
          .filter((q) => q.region !== part.region && !used.has(q.region))
          .map((q) => ({ q, drop: q.share - shareIn(now, q.region) }))
          .filter((s) => s.drop > 0 && matches(s.drop, part.share, part.share))
          .sort((a, b) => Math.abs(a.drop - part.share) - Math.abs(b.drop - part.share));
        const src = sources[0];
        breaks.add(now.entity, part.region, now.period);
        if (src) {
          used.add(src.q.region);
          breaks.add(now.entity, src.q.region, now.period);
        }
        drafts.push(draft(now, prev, part, src?.q, src ? shareIn(now, src.q.region) : undefined, "split", company, basis, config));
      }
      // regions no longer reported
      for (const gone of prev.parts.filter((q) => !now.parts.some((p) => p.region === q.region) && !used.has(q.region))) {
        const targets = now.parts
          .filter((p) => seenBefore.has(p.region))
          .map((p) => ({ p, rise: p.share - shareIn(prev, p.region) }))
          .filter((t) => t.rise > 0 && matches(t.rise, gone.share, gone.share))
          .sort((a, b) => Math.abs(a.rise - gone.share) - Math.abs(b.rise - gone.share));
        const tgt = targets[0];
        if (tgt) breaks.add(now.entity, tgt.p.region, now.period);
        drafts.push(draft(now, prev, gone, tgt?.p, tgt?.p.share, "merge", company, basis, config));
      }
    }
  }
  return { drafts, breaks };
}

function draft(
  now: Composition,
  prev: Composition,
  part: Part,
  other: Part | undefined,
  otherShareNow: number | undefined,
  how: "split" | "merge",
  company: string,
  basis: string,
  config: DefinitionChangeConfig,
): AlertDraft {
  const otherBefore = other ? (prev.parts.find((q) => q.region === other.region)?.share ?? 0) : 0;
  let text: string;
  if (how === "split") {
    text = other
      ? `${part.name} is reported on its own from ${now.period} (${pct(part.share)} of ${company} revenue) and ${other.name} fell from ` +
        `${pct(otherBefore)} to ${pct(otherShareNow ?? 0)} (${pp((otherShareNow ?? 0) - otherBefore)}) in the same period: a change in how ` +
        `regions are reported, not a move; like with like, ${part.name} + ${other.name} = ${pct(part.share + (otherShareNow ?? 0))} ` +
        `vs ${pct(otherBefore)} in ${prev.period}; ${basis}.`
      : `${part.name} is reported for the first time in ${now.period} (${pct(part.share)} of ${company} revenue) with no matching drop in ` +
        `any other region: a change in how regions are reported, not compared with earlier periods; ${basis}.`;
  } else {
    text = other
      ? `${part.name} (${pct(part.share)} of ${company} revenue in ${prev.period}) is no longer reported from ${now.period} and ` +
        `${other.name} rose from ${pct(otherBefore)} to ${pct(otherShareNow ?? 0)}: regions merged or renamed, not a move; ${basis}.`
      : `${part.name} (${pct(part.share)} of ${company} revenue in ${prev.period}) is no longer reported from ${now.period}, with no ` +
        `matching rise elsewhere: a change in how regions are reported; ${basis}.`;
  }
  return {
    alertId: alertIdFor(DEFINITION_CHANGE, now.entity, part.region, now.period),
    rule: DEFINITION_CHANGE,
    kind: "definition_change",
    severity: other ? "info" : "warning",
    entity: now.entity,
    region: part.region,
    regionName: part.name,
    period: now.period,
    baselinePeriod: prev.period,
    observed: how === "split" ? part.share : 0,
    baseline: how === "split" ? 0 : part.share,
    score: other
      ? round(Math.abs((how === "split" ? otherBefore - (otherShareNow ?? 0) : (otherShareNow ?? 0) - otherBefore) - part.share) * 100, 2)
      : 0,
    threshold: config.tolerancePp,
    summary: text,
    basis,
    evidence: [...now.evidence, ...prev.evidence].sort(),
  };
}
