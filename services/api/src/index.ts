export { type AlertStreamLimits, AlertStreams, compareStreamIds } from "./alertStream";
export { type ApiKey, type ApiScope, authenticate, hashApiKey, parseApiKeyHashes, parseApiKeys } from "./apiKeys";
export { type ApiLimits, type ApiOptions, buildApi } from "./app";
export { RateLimiter } from "./rateLimiter";
