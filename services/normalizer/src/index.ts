export {
  type BatchCounts,
  type ErrorTolerance,
  type NormalizerHandle,
  type NormalizerOptions,
  normalizeMessage,
  planBatch,
  startNormalizer,
} from "./normalizer";
export { type CleanFact, naturalKey, RevisionGate } from "./revisionGate";
export { MemoryRevisionStore, RedisRevisionStore, type RevisionStore } from "./revisionStore";
