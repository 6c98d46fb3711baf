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
export { CleanEnvelope } from "./cleanDump";
export { cleanFactsOf } from "./cleanFacts";
export { type NormalizeFileOptions, normalizeFile, type OfflineReport } from "./normalizeFile";
export type { StageFileOptions } from "./stageFile";
