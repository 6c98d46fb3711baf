export { type AlertDraft, alertIdFor, entityLabel } from "./alertDraft";
export { annotateCompositions, byEntity, type CompositionOptions, entityKey, latestRevisions, revenueCompositions } from "./compositions";
export {
  type CustomsCompositionOptions,
  customsCompositions,
  DEFAULT_MIRROR_GAP,
  detectMirrorGaps,
  latestCustomsRevisions,
  MIRROR_GAP,
  type MirrorGapConfig,
} from "./customs";
export {
  DEFAULT_DEFINITION_CHANGE,
  DEFINITION_CHANGE,
  DefinitionBreaks,
  type DefinitionChangeConfig,
  detectDefinitionChanges,
  findDefinitionChanges,
} from "./definitionChange";
export { detectAll } from "./detectAll";
export { pct, possessive, pp, round, times } from "./format";
export { DEFAULT_LEVEL_SHIFT, detectLevelShifts, LEVEL_SHIFT, type LevelShiftConfig } from "./levelShift";
export { applyAlertChanges, reconcileAlerts } from "./lifecycle";
export { previousPeriod, sameQuarterYearBefore, shiftPeriod } from "./periods";
export { DEFAULT_REEXPORT_SURGE, detectReexportSurges, REEXPORT_SURGE, type ReexportSurgeConfig } from "./reexportSurge";
export { fromLogRatio, logRatio, MAD_TO_SIGMA, madSigma, median, robustZ } from "./robustStats";
export { DEFAULT_RULES, parseRulesConfig, RulesConfig, RulesConfigError } from "./rulesConfig";
export { DEFAULT_SHARE_SHIFT, detectShareShifts, SHARE_SHIFT, type ShareShiftConfig } from "./shareShift";
