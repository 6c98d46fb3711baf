export {
  ANALYZE_EXIT,
  type AnalyzeOptions,
  type AnalyzeProblem,
  type AnalyzeResult,
  analyzeExitCode,
  analyzeFiles,
  type FileSummary,
  formatAnalysis,
} from "./analyzeFiles";
export { type NormalizeFileOptions, normalizeFile, type OfflineReport } from "./normalizeFile";
export { cleanFactsOf } from "./cleanFacts";
