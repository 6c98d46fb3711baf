import { createKafka, ensureTopics } from "@entrepot/kafka";
import { runWorker, ServiceEnv } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { Redis } from "ioredis";
import { z } from "zod";
import { startNormalizer } from "./normalizer";
import { RedisRevisionStore } from "./revisionStore";

const FxRates = z
  .string()
  .default("")
  .transform((text, ctx) => {
    const rates: Record<string, number> = {};
    for (const pair of text.split(",").filter((p) => p.trim() !== "")) {
      const m = /^\s*([A-Za-z]{3})\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(pair);
      if (!m || Number(m[2]) <= 0) {
        ctx.addIssue({ code: "custom", message: `expected CUR=rate pairs like EUR=1.08,TWD=0.031; got "${pair}"` });
        return z.NEVER;
      }
      rates[(m[1] as string).toUpperCase()] = Number(m[2]);
    }
    return rates;
  });

const NormalizerEnv = ServiceEnv.extend({
  /** Kafka Connect's errors.tolerance for this stage: all = dead-letter and go on, none = stop */
  ENTREPOT_NORMALIZE_ERRORS_TOLERANCE: z.enum(["none", "all"]).default("all"),
  /** FX rates to USD for non-USD feeds */
  ENTREPOT_FX_TO_USD: FxRates,
});

await runWorker({
  name: "normalizer",
  env: NormalizerEnv,
  start: async ({ config, logger, metrics, crash, addReadyCheck }) => {
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-normalizer", logger });
    await ensureTopics(kafka, topicDefinitions(config.ENTREPOT_TOPIC_PREFIX));
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
    redis.on("error", (err) => logger.error({ err }, "redis error"));
    addReadyCheck("redis", () => redis.status === "ready");
    const handle = await startNormalizer({
      kafka,
      topicPrefix: config.ENTREPOT_TOPIC_PREFIX,
      logger,
      metrics,
      revisions: new RedisRevisionStore(redis, config.ENTREPOT_TOPIC_PREFIX),
      errorTolerance: config.ENTREPOT_NORMALIZE_ERRORS_TOLERANCE,
      normalize: { fxToUsd: config.ENTREPOT_FX_TO_USD },
      onCrash: crash,
    });
    return { ready: handle.ready, close: () => handle.close().finally(() => redis.quit().then(() => undefined)) };
  },
});
