export { type BrowserAssets, echartsPath, loadBrowserAssets } from "./assets";
export {
  basisWording,
  buildChartModel,
  buildChartModels,
  type ChartMarker,
  type ChartModel,
  type ChartModelInput,
  type ChartPoint,
  type ChartSeries,
  concerns,
  isCustomsEntity,
  latestAlerts,
  type MarkerFigure,
  type MarkerKind,
  pointLabel,
} from "./chartModel";
export { chartOption, MARKER_LINES_SERIES, markerColour, REGION_COLOURS, type RenderedChart, renderedChart } from "./chartOption";
export { compositionOf } from "./compositionOf";
export { escapeHtml, type HtmlReportInput, inlineSafe, jsonBlock, renderHtmlReport } from "./htmlReport";
export { basisOf, DEFAULT_REVENUE_BASIS, Notice, parseNotices, ShareComposition } from "./inputs";
export { formatUsd } from "./money";
export { csvCell, SHARES_CSV_COLUMNS, sharesCsv } from "./sharesCsv";
