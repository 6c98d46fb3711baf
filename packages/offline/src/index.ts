export { type AnalyzeOptions, type AnalyzeProblem, type AnalyzeResult, analyzeFiles, formatAnalysis } from "./analyzeFiles";
export { type NormalizeFileOptions, normalizeFile, type OfflineReport } from "./normalizeFile";
