export { type ErrorTolerance, type NormalizerHandle, type NormalizerOptions, type Outcome, planBatch, startNormalizer } from "./normalizer";
export { RedisRevisionStore } from "./redisRevisionStore";
