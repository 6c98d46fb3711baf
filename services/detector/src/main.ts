import { createKafka, ensureTopics } from "@entrepot/kafka";
import { intFromEnv, runWorker, ServiceEnv } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { Redis } from "ioredis";
import { z } from "zod";
import { startDetector } from "./detector";
import { loadRulesFile } from "./rulesFile";

const DetectorEnv = ServiceEnv.extend({
  /** rules file (YAML or JSON); defaults for every rule when unset */
  ENTREPOT_RULES_FILE: z.string().min(1).optional(),
  /** overrides the share-shift rule's minimum year-on-year move, in percentage points */
  ENTREPOT_SHARE_SHIFT_PP: z.coerce.number().positive("expected a positive number of percentage points").optional(),
  ENTREPOT_SETTLE_MS: intFromEnv(0, 600_000).default(1000),
});

await runWorker({
  name: "detector",
  env: DetectorEnv,
  start: async ({ config, logger, metrics, crash, addReadyCheck }) => {
    const rules = loadRulesFile(config.ENTREPOT_RULES_FILE, config.ENTREPOT_SHARE_SHIFT_PP);
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-detector", logger });
    await ensureTopics(kafka, topicDefinitions(config.ENTREPOT_TOPIC_PREFIX));
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
    redis.on("error", (err) => logger.error({ err }, "redis error"));
    addReadyCheck("redis", () => redis.status === "ready");
    const handle = await startDetector({
      kafka,
      redis,
      topicPrefix: config.ENTREPOT_TOPIC_PREFIX,
      logger,
      metrics,
      settleMs: config.ENTREPOT_SETTLE_MS,
      rules,
      onCrash: crash,
    });
    return { ready: handle.ready, close: () => handle.close().finally(() => redis.quit()) };
  },
});
