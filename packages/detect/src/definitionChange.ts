import type { Composition } from "@entrepot/schemas";
import { type AlertDraft, alertIdFor, basisTextOf, entityLabel } from "./alertDraft";
import { byEntity, seriesKey } from "./compositions";
import { money, pct, possessive, pp, round } from "./format";

export const DEFINITION_CHANGE = "definition_change";
export const DATA_GAP = "data_gap";

export interface DefinitionChangeConfig {
  enabled: boolean;
  /**
   * When the labels do not say where a new region was before, a group's drop matches the new
   * region's share when they differ by at most this many pp or this fraction of the new region's
   * share, whichever is larger.
   */
  tolerancePp: number;
  toleranceFraction: number;
}

export const DEFAULT_DEFINITION_CHANGE: DefinitionChangeConfig = { enabled: true, tolerancePp: 2, toleranceFraction: 0.35 };

type Part = Composition["parts"][number];

/** A named country (ISO alpha-2 id): its series is never broken by a numeric match, only by its own labels. */
export const isCountry = (region: string): boolean => /^[A-Z]{2}$/.test(region);

export function detectDefinitionChanges(
  compositions: readonly Composition[],
  config: DefinitionChangeConfig = DEFAULT_DEFINITION_CHANGE,
  basis = "revenue by customer billing location",
): AlertDraft[] {
  return findDefinitionChanges(compositions, config, basis).drafts;
}

/**
 * Series breaks: for a series (`seriesKey`) and region, the periods from which the region's series
 * is defined differently (a region split out and the group it left). Other rules never compare
 * across a break.
 */
export class DefinitionBreaks {
  private readonly m = new Map<string, string[]>();
  add(series: string, region: string, period: string): void {
    const k = `${series}|${region}`;
    this.m.set(k, [...(this.m.get(k) ?? []), period]);
  }
  /** periods at which the series of `region` breaks */
  periods(series: string, region: string): readonly string[] {
    return this.m.get(`${series}|${region}`) ?? [];
  }
  /** is there a break in (after, upTo]? */
  between(series: string, region: string, after: string, upTo: string): boolean {
    return this.periods(series, region).some((p) => p > after && p <= upTo);
  }
}

/**
 * Definition changes by meaning, not coincidence. A region reported for the first time is split
 * out of the group whose label says so (it switches from `(incl. X)` to `(excl. X)`, or stops
 * including X); when the labels are silent, of the group (never a named country) whose share fell
 * by about as much. Both get a series break; the text compares like with like (X + group now vs the
 * group before). A region no longer reported is merged only when a group's label now includes it;
 * otherwise it is a missing row: a `data_gap` notice (with what the reported total leaves
 * unattributed), no break, no merge.
 */
export function findDefinitionChanges(
  compositions: readonly Composition[],
  config: DefinitionChangeConfig = DEFAULT_DEFINITION_CHANGE,
  basis = "revenue by customer billing location",
): { drafts: AlertDraft[]; breaks: DefinitionBreaks } {
  const breaks = new DefinitionBreaks();
  if (!config.enabled) return { drafts: [], breaks };
  const drafts: AlertDraft[] = [];
  for (const series of byEntity(compositions)) {
    const key = series[0] ? seriesKey(series[0]) : "";
    const seenBefore = new Set<string>();
    series.forEach((now, i) => {
      const prev = series
        .slice(0, i)
        .reverse()
        .find((c) => c.total > 0);
      if (prev && now.total > 0) judge(now, prev);
      for (const p of now.parts) seenBefore.add(p.region);
    });
    function judge(now: Composition, prev: Composition): void {
      const company = entityLabel(now.entity);
      const text = basisTextOf(now, basis);
      const matches = (a: number, b: number, ref: number) =>
        Math.abs(a - b) * 100 <= Math.max(config.tolerancePp, config.toleranceFraction * ref * 100);
      const shareIn = (c: Composition, region: string) => c.parts.find((p) => p.region === region)?.share ?? 0;
      const used = new Set<string>();
      for (const part of now.parts.filter((p) => !seenBefore.has(p.region))) {
        const byLabel = now.parts.find(
          (q) =>
            q.region !== part.region &&
            (q.excludes?.includes(part.region) ||
              (prev.parts.find((o) => o.region === q.region)?.includes?.includes(part.region) && !q.includes?.includes(part.region))),
        );
        const byDrop = byLabel
          ? undefined
          : prev.parts
              .filter((q) => q.region !== part.region && !isCountry(q.region) && !used.has(q.region))
              .map((q) => ({ q, drop: q.share - shareIn(now, q.region) }))
              .filter((s) => s.drop > 0 && matches(s.drop, part.share, part.share))
              .sort((a, b) => Math.abs(a.drop - part.share) - Math.abs(b.drop - part.share))[0]?.q;
        const parent = byLabel ?? byDrop;
        breaks.add(key, part.region, now.period);
        if (parent) {
          used.add(parent.region);
          breaks.add(key, parent.region, now.period);
        }
        drafts.push(splitDraft(now, prev, part, parent, byLabel !== undefined, company, text, config));
      }
      for (const gone of prev.parts.filter((q) => !now.parts.some((p) => p.region === q.region) && !used.has(q.region))) {
        const absorbing = now.parts.find((p) => p.includes?.includes(gone.region));
        if (absorbing) {
          breaks.add(key, absorbing.region, now.period);
          breaks.add(key, gone.region, now.period);
        }
        drafts.push(absorbing ? mergeDraft(now, prev, gone, absorbing, company, text, config) : gapDraft(now, prev, gone, company, text));
      }
    }
  }
  return { drafts, breaks };
}

function splitDraft(
  now: Composition,
  prev: Composition,
  part: Part,
  parent: Part | undefined,
  byLabel: boolean,
  company: string,
  basis: string,
  config: DefinitionChangeConfig,
): AlertDraft {
  const before = parent ? (prev.parts.find((q) => q.region === parent.region)?.share ?? 0) : 0;
  const after = parent ? (now.parts.find((q) => q.region === parent.region)?.share ?? 0) : 0;
  const why = byLabel
    ? `split out of ${parent?.name} (its label now excludes ${part.name})`
    : `the labels do not say where it was before; ${parent?.name} fell by about as much`;
  const summary = parent
    ? `${part.name} is reported on its own from ${now.period} (${pct(part.share)} of ${company} revenue), ${why}: ${parent.name} ` +
      `went from ${pct(before)} to ${pct(after)} (${pp(after - before)}), a change in how regions are reported, not a move; ` +
      `like for like, ${part.name} + ${parent.name} = ${pct(part.share + after)} vs ${pct(before)} in ${prev.period} ` +
      `(${pp(part.share + after - before)}); ${basis}.`
    : `${part.name} is reported for the first time in ${now.period} (${pct(part.share)} of ${company} revenue) and no group's label ` +
      `or share says where it was before: a change in how regions are reported, not compared with earlier periods; ${basis}.`;
  return {
    alertId: alertIdFor(DEFINITION_CHANGE, now.entity, part.region, now.period, now.basis),
    rule: DEFINITION_CHANGE,
    kind: "definition_change",
    severity: parent ? "info" : "warning",
    entity: now.entity,
    region: part.region,
    regionName: part.name,
    period: now.period,
    baselinePeriod: prev.period,
    observed: part.share,
    baseline: before,
    score: parent ? round(Math.abs(before - after - part.share) * 100, 2) : 0,
    threshold: config.tolerancePp,
    summary,
    basis,
    evidence: [...now.evidence, ...prev.evidence].sort(),
  };
}

function mergeDraft(
  now: Composition,
  prev: Composition,
  gone: Part,
  into: Part,
  company: string,
  basis: string,
  config: DefinitionChangeConfig,
): AlertDraft {
  const before = prev.parts.find((q) => q.region === into.region)?.share ?? 0;
  return {
    alertId: alertIdFor(DEFINITION_CHANGE, now.entity, gone.region, now.period, now.basis),
    rule: DEFINITION_CHANGE,
    kind: "definition_change",
    severity: "info",
    entity: now.entity,
    region: gone.region,
    regionName: gone.name,
    period: now.period,
    baselinePeriod: prev.period,
    observed: 0,
    baseline: gone.share,
    score: round(Math.abs(into.share - before - gone.share) * 100, 2),
    threshold: config.tolerancePp,
    summary:
      `${gone.name} (${pct(gone.share)} of ${company} revenue in ${prev.period}) is no longer reported from ${now.period}: ` +
      `${possessive(into.name)} label now includes it, and it went from ${pct(before)} to ${pct(into.share)}; regions merged, not a move; ` +
      `like for like, ${into.name} = ${pct(into.share)} vs ${gone.name} + ${into.name} = ${pct(gone.share + before)} in ${prev.period}; ${basis}.`,
    basis,
    evidence: [...now.evidence, ...prev.evidence].sort(),
  };
}

/** A region reported in the previous period and missing now, with no label absorbing it: a missing row. */
function gapDraft(now: Composition, prev: Composition, gone: Part, company: string, basis: string): AlertDraft {
  const unattributed = now.unattributed ?? 0;
  const implied = now.reportedTotal !== undefined && now.total > 0 ? Math.max(unattributed, 0) / now.total : 0;
  const totalText =
    now.reportedTotal !== undefined
      ? `the reported total of ${money(now.total)} leaves ${money(Math.max(unattributed, 0))} (${pct(implied)}) unattributed, ` +
        `so the other regions' shares are over the full total`
      : `there is no reported total, so the other regions' shares in ${now.period} are over a total without it and are not judged`;
  return {
    alertId: alertIdFor(DATA_GAP, now.entity, gone.region, now.period, now.basis),
    rule: DATA_GAP,
    kind: "data_quality",
    severity: "warning",
    entity: now.entity,
    region: gone.region,
    regionName: gone.name,
    period: now.period,
    baselinePeriod: prev.period,
    observed: implied,
    baseline: gone.share,
    score: 0,
    threshold: 0,
    summary:
      `${gone.name} is not reported for ${company} in ${now.period} (it was ${pct(gone.share)} in ${prev.period}) and no group's label ` +
      `says it moved: a missing row, not a merge; ${totalText}; ${basis}.`,
    basis,
    evidence: [...now.evidence, ...prev.evidence].sort(),
  };
}
