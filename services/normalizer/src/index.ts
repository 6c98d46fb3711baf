export { type NormalizerHandle, type NormalizerOptions, normalizeMessage, startNormalizer } from "./normalizer";
