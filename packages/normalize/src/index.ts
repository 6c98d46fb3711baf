export { normalizeCensus } from "./census";
export { normalizeComtrade, normalizeComtradeLegacy } from "./comtrade";
export { normalizeCustoms } from "./customs";
export { type CustomsOptions, normalizeCanonicalCustoms } from "./customsCanonical";
export { parseCommodity, parseFlow, parsePeriod } from "./customsRecord";
export { compactKey, type FieldReader, fieldReader } from "./fields";
export { detectFormat, FORMATS, type Format, feedOfFormat, isFormat } from "./formats";
export { applyMapping, Mapping, missingMappedColumns, parseMapping } from "./mapping";
export { FxRates, NormalizeEnv, normalizeOptions } from "./normalizeEnv";
export { type CleanRecord, type NormalizeOptions, normalizeRecord } from "./normalizeRecord";
export {
  type BatchCounts,
  batchCounts,
  type DecodedRaw,
  decodeRawRecord,
  NormalizeStage,
  type NormalizeStageOptions,
  type StageBatch,
  type StageOutcome,
} from "./normalizeStage";
export { parseAmount, parseOptionalAmount, parseScale, parseScaleName, SCALES, type Scale } from "./numbers";
export { rawPartitionKey } from "./partitionKey";
export { fail, type Normalized, type Problem } from "./result";
export { normalizeRevenue, type RevenueOptions } from "./revenue";
export { decideRevision, type RevisionDecision, revisionFingerprint, type SeenRevision } from "./revision";
export { naturalKey } from "./revisionGate";
export { MemoryRevisionStore, type RevisionStore } from "./revisionStore";
