export { BrokerList, CommonEnv, ConfigError, intFromEnv, ListenHost, LogLevel, loadConfig, RedisUrl, ServiceEnv } from "./config";
export { type HealthCheck, type HealthServer, type HealthServerOptions, startHealthServer } from "./healthServer";
export { createLogger, type Logger, type LoggerOptions, REDACT_PATHS } from "./logger";
export { FeedCounts, type Labels, METRIC, Metrics, ServiceStats, type StageCounters } from "./metrics";
export {
  type CreateRedisOptions,
  createRedis,
  duplicateRedis,
  pipelineReplies,
  type RedisRole,
  redactError,
  redactPassword,
  redactRedisUrl,
  redisOptions,
} from "./redis";
export { defineScript, type RedisScript, redisScript, runScript } from "./redisScripts";
export { type Closeable, ShutdownRegistry } from "./shutdown";
export { runWorker, type WorkerContext, type WorkerHandle } from "./worker";
