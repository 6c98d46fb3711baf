export { entityKey, latestRevisions, revenueCompositions } from "./compositions";
export { pct, pp, times } from "./format";
export { reconcileAlerts } from "./lifecycle";
export {
  type AlertDraft,
  alertIdFor,
  DEFAULT_YOY_SHARE_SHIFT,
  detectYoyShareShifts,
  sameQuarterYearBefore,
  YOY_SHARE_SHIFT,
  type YoyShareShiftConfig,
} from "./yoyShareShift";
