export { type AlertDraft, alertIdFor, entityLabel } from "./alertDraft";
export {
  type BacktestAlert,
  type BacktestLabel,
  type BacktestOptions,
  type BacktestResult,
  backtest,
  type EntityPeriod,
  type LabelOutcome,
  periodOrdinal,
  QUIET_LABEL_TYPES,
  summarize,
  type TypeMetrics,
} from "./backtest";
export { annotateCompositions, byEntity, type CompositionOptions, entityKey, latestRevisions, revenueCompositions } from "./compositions";
export {
  CORROBORATION,
  type CorroborationConfig,
  corroborate,
  DEFAULT_CORROBORATION,
  STORY_WORDING,
  type Story,
  storyScores,
} from "./corroboration";
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
export { detectAll, detectCompany, detectCustoms } from "./detectAll";
export {
  BILLING_SHIPPING_DIVERGENCE,
  DEFAULT_DIVERGENCE,
  type DivergenceConfig,
  detectBillingShippingDivergence,
  monthWeights,
  type QuarterDatesLookup,
  quarterDatesFromRecords,
  type WatchEntry,
} from "./divergence";
export { pct, possessive, pp, round, times } from "./format";
export { DEFAULT_LEVEL_SHIFT, detectLevelShifts, LEVEL_SHIFT, type LevelShiftConfig } from "./levelShift";
export { applyAlertChanges, reconcileAlerts } from "./lifecycle";
export { previousPeriod, sameQuarterYearBefore, shiftPeriod } from "./periods";
export { DEFAULT_REEXPORT_SURGE, detectReexportSurges, REEXPORT_SURGE, type ReexportSurgeConfig } from "./reexportSurge";
export { fromLogRatio, logRatio, MAD_TO_SIGMA, madSigma, median, robustZ } from "./robustStats";
export { getRulePack, RULE_PACKS, RulePack, type RulePackInEffect, rulePackInEffect, UnknownRulePackError } from "./rulePacks";
export { DEFAULT_RULES, parseRulesConfig, RulesConfig, RulesConfigError } from "./rulesConfig";
export { loadRulesFile } from "./rulesFile";
export { DEFAULT_SHARE_SHIFT, detectShareShifts, SHARE_SHIFT, type ShareShiftConfig } from "./shareShift";
