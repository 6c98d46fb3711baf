import { createKafka, ensureTopics, JsonProducer, SERVICE_RETRY } from "@entrepot/kafka";
import { intFromEnv, runWorker, ServiceEnv } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { z } from "zod";
import { startInboxWatcher } from "./inboxWatcher";

const IngestorEnv = ServiceEnv.extend({
  ENTREPOT_INBOX: z.string().min(1, "expected a folder path").default(".entrepot/inbox"),
  /** a file is read once it has not changed for this long (a writer still appending is waited for) */
  ENTREPOT_INBOX_SETTLE_MS: intFromEnv(0, 3_600_000).default(1000),
  /** /readyz turns 503 once a file has waited this long on the broker */
  ENTREPOT_INBOX_STUCK_MS: intFromEnv(1000, 86_400_000).default(60_000),
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
      settleMs: config.ENTREPOT_INBOX_SETTLE_MS,
      stuckAfterMs: config.ENTREPOT_INBOX_STUCK_MS,
    });
    return { ready: watcher.ready, close: () => watcher.close().finally(() => producer.close()) };
  },
});
