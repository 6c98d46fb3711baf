import type { Composition, CustomsClean, RevenueClean } from "@entrepot/schemas";
import type { AlertDraft } from "./alertDraft";
import { revenueCompositions } from "./compositions";
import { corroborate } from "./corroboration";
import { detectMirrorGaps } from "./customs";
import { findDefinitionChanges } from "./definitionChange";
import { detectBillingShippingDivergence } from "./divergence";
import { detectLevelShifts } from "./levelShift";
import { detectBasisChanges, detectDataQuality } from "./notices";
import { detectReexportSurges } from "./reexportSurge";
import { DEFAULT_RULES, type RulesConfig } from "./rulesConfig";
import { detectShareShifts, SHARE_SHIFT } from "./shareShift";
import { detectShareCrossings, detectShareSteps } from "./shareStep";

const byId = (a: AlertDraft, b: AlertDraft) => a.alertId.localeCompare(b.alertId);

/** `rule|...|region|period[|basis]` without the rule: the same region and period of the same series. */
const sameMove = (d: AlertDraft) => d.alertId.slice(d.alertId.indexOf("|"));

/**
 * Every revenue-share rule over an entity's compositions. Definition changes run first: the
 * other rules never compare a region across a break in its definition. A quarter's step that the
 * year-on-year share shift already reports (same region, period and basis) is reported once, as
 * the share shift, and a level shift built on a step already reported is not reported again. Then the notices: a change of basis, totals that do not add up, unknown labels.
 */
export function detectAll(compositions: readonly Composition[], rules: RulesConfig = DEFAULT_RULES): AlertDraft[] {
  const { drafts: definitionChanges, breaks } = findDefinitionChanges(compositions, rules.definitionChange, rules.basis);
  const shifts = detectShareShifts(compositions, rules.shareShift, rules.basis, breaks);
  const shifted = new Set(shifts.filter((d) => d.rule === SHARE_SHIFT).map(sameMove));
  const steps = detectShareSteps(compositions, rules.shareStep, rules.basis, breaks).filter((d) => !shifted.has(sameMove(d)));
  return [
    ...shifts,
    ...steps,
    ...detectShareCrossings(compositions, rules.shareStep, rules.basis),
    // a regime change whose alarm rests on a step already reported in its quarter is not reported twice
    ...detectLevelShifts(compositions, rules.levelShift, rules.basis, breaks, steps),
    ...definitionChanges,
    ...detectBasisChanges(compositions, rules.basis),
    ...detectDataQuality(compositions, { totalTolerance: rules.compositions.totalTolerance }, rules.basis),
  ].sort(byId);
}

/**
 * The customs-only rules (mirror gap, re-export surge) over customs facts. Mirror-gap alerts
 * depend only on the facts of their HS6 code, re-export surges only on their reporter's facts,
 * so evaluating a subset of scopes gives exactly the alerts of those scopes.
 */
export function detectCustoms(records: readonly CustomsClean[], rules: RulesConfig = DEFAULT_RULES): AlertDraft[] {
  return [...detectMirrorGaps(records, rules.mirrorGap), ...detectReexportSurges(records, rules.reexportSurge)].sort(byId);
}

/**
 * A company's alerts across both feeds: the revenue-share rules on its revenue facts, then, when
 * it is on the watch list, billing-vs-shipping divergence and the corroboration of its upward hub
 * share alerts with the hub's customs (`customs` = the facts of its hubs, or more).
 */
export function detectCompany(
  revenue: readonly RevenueClean[],
  customs: readonly CustomsClean[],
  rules: RulesConfig = DEFAULT_RULES,
): { compositions: Composition[]; drafts: AlertDraft[] } {
  const compositions = revenueCompositions(revenue, rules.compositions);
  const drafts = detectAll(compositions, rules);
  const companies = new Set(compositions.map((c) => c.entity.company));
  const watch = rules.watchList.filter((w) => companies.has(w.company));
  if (watch.length === 0 || customs.length === 0) return { compositions, drafts };
  return {
    compositions,
    drafts: [
      ...drafts,
      ...detectBillingShippingDivergence(revenue, customs, watch, rules.divergence),
      ...corroborate(drafts, revenue, customs, watch, rules.corroboration),
    ].sort(byId),
  };
}
