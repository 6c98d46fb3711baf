import { ConsumerRunner, JsonProducer, type Kafka, type OutgoingMessage } from "@entrepot/kafka";
import type { Logger, Metrics } from "@entrepot/runtime";
import { Alert, type DeliveryJob, deliveryJobId, HEADERS, type Rejection, topicName } from "@entrepot/schemas";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { matches, SubscriptionStore } from "./subscriptionStore";
import { eventIdFor, postWebhook } from "./webhookDelivery";

export interface NotifierOptions {
  kafka: Kafka;
  /** connection for state; BullMQ gets its own duplicated connections */
  redis: Redis;
  topicPrefix: string;
  logger: Logger;
  metrics: Metrics;
  groupId?: string;
  /** delivery attempts before a job lands in the failed set (default 8) */
  attempts?: number;
  /** base delay of the exponential backoff in ms (default 5000) */
  backoffMs?: number;
  concurrency?: number;
  onCrash?: (err: Error) => void;
}

export interface NotifierHandle {
  ready(): boolean;
  close(): Promise<void>;
}

interface DeliveryJobData extends DeliveryJob {
  alert: Alert;
}

/** alerts.v1 -> one BullMQ job per (alert, subscription, revision) -> signed webhook POST. */
export async function startNotifier(options: NotifierOptions): Promise<NotifierHandle> {
  const { kafka, redis, topicPrefix, logger, metrics } = options;
  const store = new SubscriptionStore(redis, topicPrefix);
  const delivered = metrics.counter("entrepot_notifier_delivered_total", "webhooks delivered");
  const failedAttempts = metrics.counter("entrepot_notifier_failed_attempts_total", "failed delivery attempts");
  const queueName = `${topicPrefix}entrepot-deliveries`.replace(/[^a-zA-Z0-9_-]/g, "_");
  const deliveredKey = `${topicPrefix}entrepot:notifier:delivered`;
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const queue = new Queue<DeliveryJobData>(queueName, { connection });
  queue.on("error", (err) => logger.error({ err }, "queue error"));

  const workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const producer = new JsonProducer(kafka);
  await producer.start();
  const worker = new Worker<DeliveryJobData>(
    queueName,
    async (job) => {
      const { alert, subscriptionId, eventId } = job.data;
      // an explicit delivery record: the job id de-duplicates only while the job exists
      if (await redis.sismember(deliveredKey, `${subscriptionId}/${eventId}`)) return "already-delivered";
      const sub = await store.get(subscriptionId);
      if (!sub?.enabled) return "subscription-gone";
      try {
        const status = await postWebhook(sub, alert);
        await redis.sadd(deliveredKey, `${subscriptionId}/${eventId}`);
        delivered();
        logger.info({ alertId: alert.alertId, subscriptionId, eventId, status }, "webhook delivered");
        return status;
      } catch (err) {
        failedAttempts();
        logger.warn({ err, alertId: alert.alertId, subscriptionId, attempt: job.attemptsMade + 1 }, "webhook attempt failed");
        throw err;
      }
    },
    { connection: workerConnection, concurrency: options.concurrency ?? 8, autorun: false },
  );
  worker.on("error", (err) => logger.error({ err }, "worker error"));

  const runner = new ConsumerRunner({
    kafka,
    groupId: options.groupId ?? `${topicPrefix}entrepot-notifier`,
    topics: [topicName(topicPrefix, "alerts")],
    logger,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    handleBatch: async (messages) => {
      const subs = await store.list();
      const jobs: { name: string; data: DeliveryJobData; opts: { jobId: string } }[] = [];
      const rejects: OutgoingMessage[] = [];
      for (const m of messages) {
        const parsed = Alert.safeParse(parseJson(m.value));
        if (!parsed.success) {
          const value: Rejection = {
            schemaVersion: 1,
            stage: "notify",
            reason: "schema_violation",
            message: `alert does not match the Alert schema: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`,
            raw: m.value,
            rejectedAt: new Date().toISOString(),
          };
          rejects.push({
            topic: topicName(topicPrefix, "rejects"),
            key: `${m.topic}:${m.partition}:${m.offset}`,
            value,
            headers: {
              [HEADERS.dlqTopic]: m.topic,
              [HEADERS.dlqPartition]: String(m.partition),
              [HEADERS.dlqOffset]: m.offset,
              [HEADERS.dlqStage]: "notify",
              [HEADERS.dlqReason]: "schema_violation",
            },
          });
          continue;
        }
        const alert = parsed.data;
        for (const sub of subs) {
          if (!matches(sub, alert)) continue;
          const data: DeliveryJobData = {
            alertId: alert.alertId,
            revision: alert.revision,
            subscriptionId: sub.id,
            eventId: eventIdFor(alert),
            alert,
          };
          jobs.push({ name: "deliver", data, opts: { jobId: deliveryJobId(data) } });
        }
      }
      await producer.send(rejects);
      const attempts = options.attempts ?? 8;
      const backoff = { type: "exponential", delay: options.backoffMs ?? 5000 } as const;
      if (jobs.length > 0) {
        await queue.addBulk(
          jobs.map((j) => ({ ...j, opts: { ...j.opts, attempts, backoff, removeOnComplete: 1000, removeOnFail: false } })),
        );
      }
    },
  });
  await runner.start();
  void worker.run().catch((err: unknown) => {
    logger.error({ err }, "worker stopped");
    options.onCrash?.(err as Error);
  });

  let closing: Promise<void> | undefined;
  return {
    ready: () => runner.ready() && worker.isRunning(),
    close: () => {
      closing ??= (async () => {
        const steps = [
          () => runner.close(),
          () => worker.close(),
          () => queue.close(),
          () => producer.close(),
          async () => void (await connection.quit()),
          async () => void (await workerConnection.quit()),
        ];
        for (const step of steps) {
          try {
            await step();
          } catch (err) {
            logger.error({ err }, "notifier close step failed");
          }
        }
      })();
      return closing;
    },
  };
}

function parseJson(text: string | null): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return text;
  }
}
