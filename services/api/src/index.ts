export { apiKeyMatches, hashApiKey, parseApiKeyHashes } from "./apiKeys";
export { type ApiOptions, buildApi } from "./app";
