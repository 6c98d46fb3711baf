import type { Composition } from "@entrepot/schemas";
import { basisOf, byEntity, judgeable, seriesKey } from "./compositions";
import { findDefinitionChanges } from "./definitionChange";
import { LEVEL_SHIFT } from "./levelShift";
import { type Frequency, periodFrequency, periodsPerYear } from "./periods";
import { DEFAULT_RULES, type RulesConfig } from "./rulesConfig";
import { SHARE_SHIFT } from "./shareShift";
import { SHARE_STEP } from "./shareStep";

/** What a rule needs to judge a region in a period: the frequencies it works on and the earlier periods of the region's series. */
export interface RuleNeed {
  rule: string;
  frequencies: readonly Frequency[];
  /** earlier periods of the same series (same basis, frequency and definition) the rule needs, for a period of this frequency */
  earlierPeriods: (frequency: Frequency) => number;
}

/**
 * The anomaly rules' needs under a rules file: `share_step` judges quarters, halves and years once
 * it has the company's spread (minHistory + 1 earlier periods); `share_shift_yoy` judges quarters
 * and halves with a year plus minHistory earlier periods; `level_shift` judges quarters after a
 * reference stretch of referenceLength periods.
 */
export function ruleNeeds(rules: RulesConfig = DEFAULT_RULES): RuleNeed[] {
  const year: Record<Frequency, number> = { quarter: 4, half: 2, year: 1, month: 12 };
  const all: RuleNeed[] = [
    { rule: SHARE_STEP, frequencies: ["quarter", "half", "year"], earlierPeriods: () => rules.shareStep.minHistory + 1 },
    { rule: SHARE_SHIFT, frequencies: ["quarter", "half"], earlierPeriods: (f) => year[f] + rules.shareShift.minHistory },
    { rule: LEVEL_SHIFT, frequencies: ["quarter"], earlierPeriods: () => rules.levelShift.referenceLength },
  ];
  return all.filter((n) =>
    n.rule === SHARE_STEP ? rules.shareStep.enabled : n.rule === SHARE_SHIFT ? rules.shareShift.enabled : rules.levelShift.enabled,
  );
}

/** Periods of one region of one series that no anomaly rule could judge, and what the least demanding rule would need. */
export interface NotJudged {
  entity: Record<string, string>;
  basis: string;
  frequency: Frequency;
  region: string;
  regionName: string;
  periods: string[];
  /** e.g. "4 earlier quarters (level_shift)" or "quarterly, half-year or annual periods" */
  needs: string;
}

const UNIT: Record<Frequency, string> = { quarter: "quarter", half: "half-year", year: "year", month: "month" };

/**
 * Says what was not judged: for every company, basis and region, the periods where no anomaly rule
 * had the frequency or the history it needs (counted within the region's series since its last
 * definition break), or where the period itself cannot be judged (tiny total; a region missing with
 * no reported total to keep the other shares right).
 */
export function notJudged(compositions: readonly Composition[], rules: RulesConfig = DEFAULT_RULES): NotJudged[] {
  const needs = ruleNeeds(rules);
  const { breaks } = findDefinitionChanges(compositions, rules.definitionChange, rules.basis);
  const out: NotJudged[] = [];
  for (const series of byEntity(compositions)) {
    const first = series[0];
    if (!first) continue;
    const key = seriesKey(first);
    const frequency = periodFrequency(first.period) ?? "quarter";
    const applicable = needs.filter((n) => n.frequencies.includes(frequency));
    const least = applicable.map((n) => ({ rule: n.rule, n: n.earlierPeriods(frequency) })).sort((a, b) => a.n - b.n)[0];
    const regions = new Map<string, string>();
    for (const c of series) for (const p of c.parts) regions.set(p.region, p.name);
    for (const [region, regionName] of regions) {
      const cuts = breaks.periods(key, region);
      const periods: string[] = [];
      let earlier = 0;
      for (const c of series) {
        if (!c.parts.some((p) => p.region === region)) continue;
        if (cuts.includes(c.period)) earlier = 0;
        if (!least || !judgeable(c) || earlier < least.n) periods.push(c.period);
        earlier++;
      }
      if (periods.length === 0) continue;
      const unit = UNIT[frequency];
      out.push({
        entity: first.entity,
        basis: basisOf(first),
        frequency,
        region,
        regionName,
        periods,
        needs: least
          ? `${least.n} earlier ${unit}${least.n === 1 ? "" : "s"} of the same series (${least.rule})`
          : `quarterly, half-year or annual periods (${periodsPerYear(first.period) ?? "?"} per year given)`,
      });
    }
  }
  return out;
}
