import type { Composition } from "@entrepot/schemas";
import type { AlertDraft } from "./alertDraft";
import { findDefinitionChanges } from "./definitionChange";
import { detectLevelShifts } from "./levelShift";
import { DEFAULT_RULES, type RulesConfig } from "./rulesConfig";
import { detectShareShifts } from "./shareShift";

/**
 * Every revenue-share rule over an entity's compositions. Definition changes run first: the
 * other rules never compare a region across a break in its definition.
 */
export function detectAll(compositions: readonly Composition[], rules: RulesConfig = DEFAULT_RULES): AlertDraft[] {
  const { drafts: definitionChanges, breaks } = findDefinitionChanges(compositions, rules.definitionChange, rules.basis);
  return [
    ...detectShareShifts(compositions, rules.shareShift, rules.basis, breaks),
    ...detectLevelShifts(compositions, rules.levelShift, rules.basis, breaks),
    ...definitionChanges,
  ].sort((a, b) => a.alertId.localeCompare(b.alertId));
}
