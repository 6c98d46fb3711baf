import {
  AlertLog,
  DEFAULT_RETRY_SCHEDULE_MS,
  DEFAULT_STATE_RETENTION_MS,
  DeliveryJobData,
  type DeliveryJobSpec,
  decideRouting,
  decideSend,
  deferralMs,
  deliveryQueueName,
  digestJob,
  inhibitionScope,
  matchingPairs,
  type RoutingOutcome,
  RoutingState,
  retryDelayMs,
  SilenceStore,
  SubscriptionStore,
} from "@entrepot/delivery";
import {
  ConsumerRunner,
  deadLetter,
  type IncomingMessage,
  JsonProducer,
  type Kafka,
  type TopicMessage,
  TopicWriter,
} from "@entrepot/kafka";
import { duplicateRedis, type Logger, type Metrics } from "@entrepot/runtime";
import { Alert, consumerGroupId, parseTopicValue, type Rejection, type Subscription, topicsReadBy } from "@entrepot/schemas";
import { type OutboundPolicy, parseOutboundPolicy, type SecretBox } from "@entrepot/webhooks";
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { DeliveryError, sendToSubscription } from "./webhookDelivery";

export interface NotifierOptions {
  kafka: Kafka;
  /** connection for state; BullMQ gets its own duplicated connections */
  redis: Redis;
  topicPrefix: string;
  logger: Logger;
  metrics: Metrics;
  groupId?: string;
  /** delay before each attempt: [first, after 1st failure, ...]; its length is the number of attempts (default: Svix's) */
  retryScheduleMs?: readonly number[];
  /** whole-request timeout of one attempt (default 10 s) */
  timeoutMs?: number;
  /** response body bytes read (default 64 KiB) */
  maxResponseBytes?: number;
  /** outgoing-address policy (default: refuse every non-public address) */
  outboundPolicy?: OutboundPolicy;
  /** parallel deliveries of this process (default 32) */
  concurrency?: number;
  /** parallel requests to one subscription across all processes (default 2) */
  perSubscriptionInFlight?: number;
  /** new requests per second to one subscription, 0 = unlimited (default 20) */
  perSubscriptionPerSecond?: number;
  /** grouping window: alerts for one subscriber within it go as one digest; 0 = no grouping (default) */
  groupWindowMs?: number;
  /** disable a subscription that has failed without a single success for this long (default 5 days) */
  disableAfterFailingMs?: number;
  /** BullMQ lock: a job whose worker died is retried after about this long (default 30 s) */
  lockDurationMs?: number;
  /** how long delivery records, sent fingerprints and outcomes are kept in Redis (default 30 days; must exceed the retry schedule) */
  stateRetentionMs?: number;
  /** without a grouping window, non-critical alerts wait this long before sending, so a critical for the same entity
   * and period that arrives a little later (from another partition) still inhibits them (default 5 s; 0 = no hold) */
  inhibitionHoldMs?: number;
  /** decrypts subscription secrets stored encrypted (ENTREPOT_SECRET_KEY) */
  secretBox?: SecretBox;
  onCrash?: (err: Error) => void;
}

export interface NotifierHandle {
  ready(): boolean;
  close(): Promise<void>;
}

/**
 * alerts.v1 -> routing (filters, silences, inhibition, repeat policy, grouping) -> one BullMQ
 * job per (alert, subscription, revision) or per digest window -> signed webhook POST with
 * retries over the schedule, then the failed set. The decisions are `@entrepot/delivery`'s pure
 * `decideRouting` / `decideSend`; this reads their inputs from Redis and applies their results.
 */
export async function startNotifier(options: NotifierOptions): Promise<NotifierHandle> {
  const { kafka, redis, topicPrefix, logger, metrics } = options;
  const schedule = options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
  if (schedule.length === 0) throw new Error("retry schedule must have at least one entry");
  const policy = options.outboundPolicy ?? parseOutboundPolicy("");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
  const inFlight = options.perSubscriptionInFlight ?? 2;
  const perSecond = options.perSubscriptionPerSecond ?? 20;
  const groupWindowMs = options.groupWindowMs ?? 0;
  const disableAfter = options.disableAfterFailingMs ?? 5 * 24 * 3_600_000;
  const lockDuration = options.lockDurationMs ?? 30_000;

  // an unreadable record (sealed under another key, corrupted) is skipped, logged once per id and counted: never fatal
  const unreadable = metrics.counter(
    "entrepot_notifier_unreadable_subscriptions_total",
    "subscription records skipped because they cannot be read, by subscription and key id",
    ["subscription", "key"],
  );
  const reportedUnreadable = new Set<string>();
  const store = new SubscriptionStore(redis, topicPrefix, options.secretBox, {
    onUnreadable: (r) => {
      unreadable({ subscription: r.id, key: r.keyId ?? "none" });
      if (reportedUnreadable.has(r.id)) return;
      reportedUnreadable.add(r.id);
      logger.error(
        { subscriptionId: r.id, keyId: r.keyId, reason: r.reason },
        "subscription record unreadable: skipped, no delivery to it",
      );
    },
  });
  const silences = new SilenceStore(redis, topicPrefix);
  const retentionMs = options.stateRetentionMs ?? DEFAULT_STATE_RETENTION_MS;
  const scheduleTotal = schedule.reduce((a, b) => a + b, 0);
  // a delivery record must outlive every retry of its job (each delay jittered up to +20 %)
  if (retentionMs <= scheduleTotal * 1.2) throw new Error("state retention must be longer than the retry schedule");
  const inhibitionHoldMs = options.inhibitionHoldMs ?? 5_000;
  const state = new RoutingState(redis, topicPrefix, { retentionMs });
  const alertLog = new AlertLog(redis, topicPrefix);
  const count = metrics.counter("entrepot_notifier_outcomes_total", "routing and delivery outcomes by kind", ["outcome"]);
  const failedAttempts = metrics.counter("entrepot_notifier_failed_attempts_total", "failed delivery attempts");
  const stage = metrics.stage("notify");
  const queueName = deliveryQueueName(topicPrefix);
  const connection = duplicateRedis(redis, { role: "bullmq", logger });
  const queue = new Queue<DeliveryJobData>(queueName, { connection });
  queue.on("error", (err) => logger.error({ err }, "queue error"));
  metrics.queueDepth(
    queueName,
    () => queue.getJobCounts("waiting", "active", "delayed", "failed"),
    (err) => logger.warn({ err }, "queue depth not read"),
  );

  const record = async (o: RoutingOutcome) => {
    await state.record(o);
    count({ outcome: o.outcome });
  };

  const deliver = async (job: Job<DeliveryJobData>, token?: string): Promise<string> => {
    const data = DeliveryJobData.parse(job.data);
    const { subscriptionId } = data;
    const log = logger.child({ subscriptionId, eventId: data.eventId, jobId: job.id, attempt: job.attemptsMade + 1 });
    // an explicit delivery record: the job id de-duplicates only while the job exists
    const window = data.kind === "digest" ? [...(await state.groupMembers(subscriptionId, data.windowId))] : [];
    const delivered = await state.deliveredAmong(subscriptionId, [data.eventId, ...window.map(([eventId]) => eventId)]);
    const sub = delivered.has(data.eventId) ? undefined : await store.get(subscriptionId);
    const members = sub
      ? window.filter(([eventId]) => !delivered.has(eventId)).map(([eventId, text]) => ({ eventId, alert: Alert.parse(JSON.parse(text)) }))
      : [];
    const candidates = data.kind === "alert" ? [data.alert] : members.map((m) => m.alert);
    const decision = decideSend({
      job: data,
      subscription: sub,
      members,
      delivered,
      silences: sub ? await silences.list() : [],
      // a critical seen since routing inhibits this one too
      criticals: sub ? await state.criticals(candidates.map(inhibitionScope)) : new Map(),
      // ...unless the subscriber holds an earlier revision of the alert: then it must hear of this one
      sentAlertIds: sub
        ? await state.sentAmong(
            subscriptionId,
            candidates.map((a) => a.alertId),
          )
        : new Set(),
      now: Date.now(),
    });
    for (const o of decision.outcomes) await record(o);
    if (decision.kind === "drop") return decision.result;
    const { subscription, sendId, alerts } = decision;
    const alertIds = alerts.map((a) => a.alertId);

    const holder = job.id ?? data.eventId;
    const slot = await state.acquireSlot(subscriptionId, holder, inFlight, perSecond, 2 * timeoutMs + 5_000);
    if (slot !== 0) {
      // this subscription is busy or at its rate: step aside so other subscribers' jobs run
      const deferrals = job.attemptsStarted - job.attemptsMade - 1;
      await job.moveToDelayed(Date.now() + deferralMs(slot === 1 ? "busy" : "rate-limited", deferrals, timeoutMs, Math.random()), token);
      throw new DelayedError();
    }
    const posting = metrics.deliveryDuration.startTimer();
    try {
      const res = await sendToSubscription(subscription, sendId, alerts, { policy, timeoutMs, maxResponseBytes });
      posting({ outcome: "delivered" });
      await state.markDelivered(subscriptionId, data.eventId, alerts, [...new Set([sendId, ...decision.members])]);
      count({ outcome: "delivered" });
      log.info({ alertIds, status: res.status }, "webhook delivered");
      return `delivered ${res.status}`;
    } catch (err) {
      posting({ outcome: (err as Error).name === "OutboundPolicyError" ? "refused" : "failed" });
      failedAttempts();
      return await failed(err as Error, subscription, sendId, alertIds, job, log);
    } finally {
      await state.releaseSlot(subscriptionId, holder);
    }
  };

  const failed = async (err: Error, sub: Subscription, eventId: string, alertIds: string[], job: Job, log: Logger): Promise<never> => {
    const subscriptionId = sub.id;
    const at = new Date().toISOString();
    if (err.name === "OutboundPolicyError") {
      await record({ outcome: "refused", subscriptionId, eventId, alertIds, at, reason: err.message });
      log.warn({ err }, "webhook refused by the outgoing-address policy");
      throw new UnrecoverableError(err.message);
    }
    if (err instanceof DeliveryError && err.status === 410) {
      await store.disable(subscriptionId, "410 Gone");
      await record({ outcome: "disabled", subscriptionId, eventId, alertIds, at, reason: "410 Gone" });
      log.warn("subscriber answered 410 Gone: subscription disabled");
      throw new UnrecoverableError(err.message);
    }
    const failingFor = await state.noteFailure(subscriptionId);
    if (failingFor > disableAfter) {
      const reason = `failing for ${Math.round(failingFor / 3_600_000)} h without a success`;
      await store.disable(subscriptionId, reason);
      await record({ outcome: "disabled", subscriptionId, eventId, alertIds, at, reason });
      log.warn({ err }, `subscription disabled: ${reason}`);
      throw new UnrecoverableError(err.message);
    }
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (last) await record({ outcome: "failed", subscriptionId, eventId, alertIds, at, reason: err.message });
    log.warn({ err }, last ? "webhook failed for good: in the failed set" : "webhook attempt failed: will retry");
    throw err;
  };

  const workerConnection = duplicateRedis(redis, { role: "bullmq", logger });
  const worker = new Worker<DeliveryJobData>(queueName, deliver, {
    connection: workerConnection,
    concurrency: options.concurrency ?? 32,
    autorun: false,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: 10,
    settings: {
      backoffStrategy: (attemptsMade, _type, err) =>
        retryDelayMs(schedule, attemptsMade, { retryAfterMs: err instanceof DeliveryError ? err.retryAfterMs : undefined }),
    },
  });
  worker.on("error", (err) => logger.error({ err }, "worker error"));

  const producer = new JsonProducer(kafka);
  await producer.start();
  const out = new TopicWriter(producer, topicPrefix);
  const runner = new ConsumerRunner({
    kafka,
    groupId: options.groupId ?? consumerGroupId(topicPrefix, "notifier"),
    topics: topicsReadBy(topicPrefix, "notifier"),
    logger,
    metrics: { metrics, stage: "notify" },
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    handleBatch: async (messages) => {
      const alerts: Alert[] = [];
      const rejects: TopicMessage<"rejects">[] = [];
      for (const m of messages) {
        const parsed = parseTopicValue("alerts", m.value);
        stage.in("alerts");
        if (parsed.ok) alerts.push(parsed.value);
        else {
          rejects.push(rejectFor(m, parsed.issue));
          stage.rejected("alerts", "schema_violation");
        }
      }
      await out.send(rejects);
      // criticals first, so a warning in the same batch is already inhibited
      for (const a of alerts) {
        await state.noteForInhibition(a);
        await alertLog.append(a);
      }
      const subscriptions = await store.list();
      const pairs = matchingPairs(alerts, subscriptions).map((p) => ({
        subscriptionId: p.subscription.id,
        eventId: p.eventId,
        alert: p.alert,
      }));
      const decisions = decideRouting({
        alerts,
        subscriptions,
        silences: await silences.list(),
        snapshot: await state.snapshot(pairs),
        policy: { groupWindowMs, inhibitionHoldMs, firstDelayMs: schedule[0] ?? 0 },
        now: Date.now(),
      });
      const jobs: DeliveryJobSpec[] = [];
      const outcomes: RoutingOutcome[] = [];
      for (const d of decisions) {
        if (d.kind === "suppress") outcomes.push(d.outcome);
        else if (d.kind === "deliver" || d.kind === "group") {
          const planned =
            d.kind === "deliver"
              ? d
              : digestJob(
                  d,
                  (await state.addToGroup(d.subscriptionId, d.eventId, d.alert, groupWindowMs)).windowId,
                  groupWindowMs,
                  Date.now(),
                );
          jobs.push(planned.job);
          if (planned.outcome) outcomes.push(planned.outcome);
        }
      }
      stage.out("deliveries", jobs.length);
      if (jobs.length > 0) {
        await queue.addBulk(
          jobs.map((j) => ({
            ...j,
            opts: { ...j.opts, attempts: schedule.length, backoff: { type: "custom" }, removeOnComplete: 10_000, removeOnFail: false },
          })),
        );
      }
      for (const o of outcomes) await record(o);
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

function rejectFor(m: IncomingMessage, issue: { path: PropertyKey[]; message: string } | undefined): TopicMessage<"rejects"> {
  const rejection: Rejection = {
    schemaVersion: 1,
    stage: "notify",
    reason: "schema_violation",
    message: `alert does not match the Alert schema: ${issue?.path.join(".")}: ${issue?.message}`,
    raw: m.value,
    rejectedAt: new Date().toISOString(),
  };
  return deadLetter(m, rejection);
}
