import { createKafka, ensureTopics, SERVICE_RETRY, JsonProducer } from "@entrepot/kafka";
import { runWorker, ServiceEnv } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { z } from "zod";
import { startInboxWatcher } from "./inboxWatcher";

const IngestorEnv = ServiceEnv.extend({
  ENTREPOT_INBOX: z.string().min(1, "expected a folder path").default(".entrepot/inbox"),
});

await runWorker({
  name: "ingestor",
  env: IngestorEnv,
  start: async ({ config, logger, metrics }) => {
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-ingestor", logger, retry: SERVICE_RETRY });
    await ensureTopics(kafka, topicDefinitions(config.ENTREPOT_TOPIC_PREFIX));
    const producer = new JsonProducer(kafka);
    await producer.start();
    const watcher = await startInboxWatcher({
      dir: config.ENTREPOT_INBOX,
      producer,
      topicPrefix: config.ENTREPOT_TOPIC_PREFIX,
      logger,
      metrics,
    });
    return { ready: watcher.ready, close: () => watcher.close().finally(() => producer.close()) };
  },
});
