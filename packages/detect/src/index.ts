export { type AlertDraft, alertIdFor, basisTextOf, entityLabel } from "./alertDraft";
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
export {
  annotateCompositions,
  basisOf,
  byEntity,
  type CompositionOptions,
  entityKey,
  latestRevisions,
  revenueCompositions,
  seriesKey,
} from "./compositions";
export {
  CORROBORATION,
  type CorroborationConfig,
  corroborate,
  DEFAULT_CORROBORATION,
  STORY_WORDING,
  type Story,
  storyScores,
} from "./corroboration";
export { type TotalsCoverage, totalsCoverage } from "./coverage";
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
  DATA_GAP,
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
export { money, pct, possessive, pp, round, times } from "./format";
export { DEFAULT_LEVEL_SHIFT, detectLevelShifts, LEVEL_SHIFT, type LevelShiftConfig } from "./levelShift";
export { applyAlertChanges, reconcileAlerts } from "./lifecycle";
export {
  BASIS_CHANGE,
  DEFAULT_NOTICES,
  detectBasisChanges,
  detectDataQuality,
  type NoticeConfig,
  TOTAL_MISMATCH,
  UNRECOGNIZED_REGION,
} from "./notices";
export { type NotJudged, notJudged, type RuleNeed, ruleNeeds } from "./notJudged";
export { type Frequency, periodFrequency, previousPeriod, sameQuarterYearBefore, shiftPeriod } from "./periods";
export { DEFAULT_REEXPORT_SURGE, detectReexportSurges, REEXPORT_SURGE, type ReexportSurgeConfig } from "./reexportSurge";
export { fromLogRatio, logRatio, MAD_TO_SIGMA, madSigma, median, robustZ } from "./robustStats";
export { getRulePack, RULE_PACKS, RulePack, type RulePackInEffect, rulePackInEffect, UnknownRulePackError } from "./rulePacks";
export { DEFAULT_RULES, parseRulesConfig, RulesConfig, RulesConfigError } from "./rulesConfig";
export { loadRulesFile } from "./rulesFile";
export { type DueScope, SettleClock } from "./settleClock";
export { DEFAULT_SHARE_SHIFT, detectShareShifts, SHARE_SHIFT, type ShareShiftConfig } from "./shareShift";
export {
  DEFAULT_SHARE_STEP,
  detectShareCrossings,
  detectShareSteps,
  SHARE_STEP,
  SHARE_THRESHOLD,
  type ShareCrossing,
  type ShareStepConfig,
  stepSpread,
} from "./shareStep";
