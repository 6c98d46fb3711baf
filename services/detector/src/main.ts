import { loadRulesFile } from "@entrepot/detect";
import { createKafka, ensureTopics, SERVICE_RETRY } from "@entrepot/kafka";
import { createRedis, runWorker } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { startDetector } from "./detector";
import { DetectorEnv } from "./detectorEnv";
import { rebuildCommand } from "./rebuildCommand";

if (process.argv[2] === "rebuild") {
  process.exitCode = await rebuildCommand(process.argv.slice(3));
} else {
  await runWorker({
    name: "detector",
    env: DetectorEnv,
    start: async ({ config, logger, metrics, crash, addReadyCheck }) => {
      const rules = loadRulesFile(config.ENTREPOT_RULES_FILE, config.ENTREPOT_SHARE_SHIFT_PP);
      const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-detector", logger, retry: SERVICE_RETRY });
      await ensureTopics(kafka, topicDefinitions(config.ENTREPOT_TOPIC_PREFIX));
      const redis = createRedis(config.REDIS_URL, { role: "store", logger });
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
}
