import { createKafka, ensureTopics } from "@entrepot/kafka";
import { intFromEnv, runWorker, ServiceEnv } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { Redis } from "ioredis";
import { startNotifier } from "./notifier";

const NotifierEnv = ServiceEnv.extend({
  ENTREPOT_DELIVERY_ATTEMPTS: intFromEnv(1, 100).default(8),
  ENTREPOT_DELIVERY_BACKOFF_MS: intFromEnv(1, 3_600_000).default(5000),
});

await runWorker({
  name: "notifier",
  env: NotifierEnv,
  start: async ({ config, logger, metrics, crash }) => {
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-notifier", logger });
    await ensureTopics(kafka, topicDefinitions(config.ENTREPOT_TOPIC_PREFIX));
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
    redis.on("error", (err) => logger.error({ err }, "redis error"));
    const handle = await startNotifier({
      kafka,
      redis,
      topicPrefix: config.ENTREPOT_TOPIC_PREFIX,
      logger,
      metrics,
      attempts: config.ENTREPOT_DELIVERY_ATTEMPTS,
      backoffMs: config.ENTREPOT_DELIVERY_BACKOFF_MS,
      onCrash: crash,
    });
    return { ready: handle.ready, close: () => handle.close().finally(() => redis.quit()) };
  },
});
