import { createKafka, ensureTopics } from "@entrepot/kafka";
import { runWorker, ServiceEnv } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { startNormalizer } from "./normalizer";

await runWorker({
  name: "normalizer",
  env: ServiceEnv,
  start: async ({ config, logger, metrics, crash }) => {
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-normalizer", logger });
    await ensureTopics(kafka, topicDefinitions(config.ENTREPOT_TOPIC_PREFIX));
    return startNormalizer({ kafka, topicPrefix: config.ENTREPOT_TOPIC_PREFIX, logger, metrics, onCrash: crash });
  },
});
