import { createKafka, ensureTopics, SERVICE_RETRY } from "@entrepot/kafka";
import { NormalizeEnv, normalizeOptions } from "@entrepot/normalize";
import { createRedis, runWorker, ServiceEnv } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { z } from "zod";
import { startNormalizer } from "./normalizer";
import { RedisRevisionStore } from "./redisRevisionStore";

const NormalizerEnv = ServiceEnv.extend({
  /** Kafka Connect's errors.tolerance for this stage: all = dead-letter and go on, none = stop */
  ENTREPOT_NORMALIZE_ERRORS_TOLERANCE: z.enum(["none", "all"]).default("all"),
}).extend(NormalizeEnv.shape);

await runWorker({
  name: "normalizer",
  env: NormalizerEnv,
  start: async ({ config, logger, metrics, crash, addReadyCheck }) => {
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-normalizer", logger, retry: SERVICE_RETRY });
    await ensureTopics(kafka, topicDefinitions(config.ENTREPOT_TOPIC_PREFIX));
    const redis = createRedis(config.REDIS_URL, { role: "store", logger });
    addReadyCheck("redis", () => redis.status === "ready");
    const handle = await startNormalizer({
      kafka,
      topicPrefix: config.ENTREPOT_TOPIC_PREFIX,
      logger,
      metrics,
      revisions: new RedisRevisionStore(redis, config.ENTREPOT_TOPIC_PREFIX),
      errorTolerance: config.ENTREPOT_NORMALIZE_ERRORS_TOLERANCE,
      normalize: normalizeOptions(config),
      onCrash: crash,
    });
    return { ready: handle.ready, close: () => handle.close().finally(() => redis.quit().then(() => undefined)) };
  },
});
