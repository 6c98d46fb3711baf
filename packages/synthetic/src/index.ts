export { toCsv } from "./csv";
export { CUSTOMS_COLUMNS, type CustomsRow, generateCustoms, HUBS, monthPeriod } from "./customs";
export { type GeneratedFeeds, type GenerateOptions, generateFeeds } from "./generateFeeds";
export { ANOMALY_TYPES, type AnomalyLabel, type AnomalyType, QUIET_TYPES } from "./labels";
export { mulberry32, type Prng, subSeed } from "./prng";
export { companyName, fiscalPeriod, generateRevenue, REVENUE_COLUMNS, REVENUE_TYPE_CYCLE, type RevenueRow, reportDate } from "./revenue";
export {
  type ExpectedAlert,
  type ExpectedNotice,
  generateScenarios,
  NOTICE_TYPES,
  type NoticeType,
  SCENARIO_TYPES,
  type ScenarioLabel,
  type ScenarioType,
  scenarioCompanyName,
} from "./scenarios";
