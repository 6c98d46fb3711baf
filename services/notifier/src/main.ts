import { DEFAULT_RETRY_SCHEDULE_MS, OutboundPolicyEnv, parseRetrySchedule, SecretKeyEnv } from "@entrepot/delivery";
import { createKafka, ensureTopics, SERVICE_RETRY } from "@entrepot/kafka";
import { createRedis, intFromEnv, runWorker, ServiceEnv } from "@entrepot/runtime";
import { topicDefinitions } from "@entrepot/schemas";
import { z } from "zod";
import { startNotifier } from "./notifier";

const NotifierEnv = ServiceEnv.extend({
  /** comma-separated delays (ms) before each attempt; the default is Svix's 8-attempt schedule */
  ENTREPOT_RETRY_SCHEDULE_MS: z
    .string()
    .default(DEFAULT_RETRY_SCHEDULE_MS.join(","))
    .transform((s, ctx) => {
      try {
        return parseRetrySchedule(s);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
  ENTREPOT_WEBHOOK_TIMEOUT_MS: intFromEnv(100, 120_000).default(10_000),
  ENTREPOT_WEBHOOK_MAX_RESPONSE_BYTES: intFromEnv(0, 10_000_000).default(65_536),
  /** hosts and CIDRs that may be called although private or loopback, e.g. 127.0.0.1/32 in development */
  ENTREPOT_WEBHOOK_ALLOW: OutboundPolicyEnv,
  ENTREPOT_DELIVERY_CONCURRENCY: intFromEnv(1, 1000).default(32),
  ENTREPOT_SUBSCRIPTION_IN_FLIGHT: intFromEnv(1, 100).default(2),
  ENTREPOT_SUBSCRIPTION_RATE_PER_S: intFromEnv(0, 100_000).default(20),
  /** digest window in ms, 0 = one message per alert */
  ENTREPOT_GROUP_WINDOW_MS: intFromEnv(0, 86_400_000).default(0),
  ENTREPOT_DISABLE_AFTER_FAILING_MS: intFromEnv(60_000, 365 * 86_400_000).default(5 * 86_400_000),
  ENTREPOT_DELIVERY_LOCK_MS: intFromEnv(1000, 600_000).default(30_000),
  /** how long delivery records and routing outcomes are kept in Redis (default 30 days; longer than the retry schedule) */
  ENTREPOT_STATE_RETENTION_MS: intFromEnv(60_000, 3650 * 86_400_000).default(30 * 86_400_000),
  /** without a grouping window, non-critical alerts wait this long for a critical that would inhibit them */
  ENTREPOT_INHIBITION_HOLD_MS: intFromEnv(0, 3_600_000).default(5_000),
  /** keys that encrypt subscription secrets at rest (shared with the API and CLI; first encrypts, all decrypt); unset = secrets stored as given */
  ENTREPOT_SECRET_KEY: SecretKeyEnv.optional(),
}).superRefine((env, ctx) => {
  // a delivery still being retried must find its records: they are kept longer than the whole schedule
  const scheduleMs = env.ENTREPOT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
  if (env.ENTREPOT_STATE_RETENTION_MS <= scheduleMs) {
    ctx.addIssue({
      code: "custom",
      path: ["ENTREPOT_STATE_RETENTION_MS"],
      message: `must be longer than the retry schedule (ENTREPOT_RETRY_SCHEDULE_MS adds up to ${scheduleMs} ms): records would expire while a delivery is still retried`,
    });
  }
  if (env.ENTREPOT_DISABLE_AFTER_FAILING_MS > env.ENTREPOT_STATE_RETENTION_MS) {
    ctx.addIssue({
      code: "custom",
      path: ["ENTREPOT_DISABLE_AFTER_FAILING_MS"],
      message: `must not be longer than ENTREPOT_STATE_RETENTION_MS (${env.ENTREPOT_STATE_RETENTION_MS} ms): the failure history it judges would expire first`,
    });
  }
});

await runWorker({
  name: "notifier",
  env: NotifierEnv,
  start: async ({ config, logger, metrics, crash, addReadyCheck }) => {
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-notifier", logger, retry: SERVICE_RETRY });
    await ensureTopics(kafka, topicDefinitions(config.ENTREPOT_TOPIC_PREFIX));
    const redis = createRedis(config.REDIS_URL, { role: "store", logger });
    addReadyCheck("redis", () => redis.status === "ready");
    logger.info(
      { allow: config.ENTREPOT_WEBHOOK_ALLOW.description, retryScheduleMs: config.ENTREPOT_RETRY_SCHEDULE_MS },
      "delivery policy",
    );
    const handle = await startNotifier({
      kafka,
      redis,
      topicPrefix: config.ENTREPOT_TOPIC_PREFIX,
      logger,
      metrics,
      retryScheduleMs: config.ENTREPOT_RETRY_SCHEDULE_MS,
      timeoutMs: config.ENTREPOT_WEBHOOK_TIMEOUT_MS,
      maxResponseBytes: config.ENTREPOT_WEBHOOK_MAX_RESPONSE_BYTES,
      outboundPolicy: config.ENTREPOT_WEBHOOK_ALLOW,
      concurrency: config.ENTREPOT_DELIVERY_CONCURRENCY,
      perSubscriptionInFlight: config.ENTREPOT_SUBSCRIPTION_IN_FLIGHT,
      perSubscriptionPerSecond: config.ENTREPOT_SUBSCRIPTION_RATE_PER_S,
      groupWindowMs: config.ENTREPOT_GROUP_WINDOW_MS,
      disableAfterFailingMs: config.ENTREPOT_DISABLE_AFTER_FAILING_MS,
      lockDurationMs: config.ENTREPOT_DELIVERY_LOCK_MS,
      stateRetentionMs: config.ENTREPOT_STATE_RETENTION_MS,
      inhibitionHoldMs: config.ENTREPOT_INHIBITION_HOLD_MS,
      ...(config.ENTREPOT_SECRET_KEY ? { secretBox: config.ENTREPOT_SECRET_KEY } : {}),
      onCrash: crash,
    });
    return { ready: handle.ready, close: () => handle.close().finally(() => redis.quit()) };
  },
});
