import {
  AlertLog,
  DEFAULT_RETRY_SCHEDULE_MS,
  DEFAULT_STATE_RETENTION_MS,
  DeliveryJobData,
  deliveryQueueName,
  jobIdFor,
  matches,
  type RoutingOutcome,
  RoutingState,
  retryDelayMs,
  type Silence,
  SilenceStore,
  SubscriptionStore,
  silenceMatches,
} from "@entrepot/delivery";
import { ConsumerRunner, deadLetter, type IncomingMessage, JsonProducer, type Kafka, type OutgoingMessage } from "@entrepot/kafka";
import type { Logger, Metrics } from "@entrepot/runtime";
import { Alert, type Rejection, type Subscription, topicName } from "@entrepot/schemas";
import { type OutboundPolicy, parseOutboundPolicy, type SecretBox } from "@entrepot/webhooks";
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { DeliveryError, digestEventId, eventIdFor, sendToSubscription } from "./webhookDelivery";

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

/** Routing decisions that stand: a replay of the same event does not reconsider them. */
const SETTLED: ReadonlySet<RoutingOutcome["outcome"]> = new Set(["silenced", "inhibited", "unchanged", "failed", "refused", "disabled"]);

/**
 * alerts.v1 -> routing (filters, silences, inhibition, repeat policy, grouping) -> one BullMQ
 * job per (alert, subscription, revision) or per digest window -> signed webhook POST with
 * retries over the schedule, then the failed set.
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
  const count = metrics.counter("entrepot_notifier_outcomes_total", "routing and delivery outcomes by kind");
  const failedAttempts = metrics.counter("entrepot_notifier_failed_attempts_total", "failed delivery attempts");
  const queueName = deliveryQueueName(topicPrefix);
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const queue = new Queue<DeliveryJobData>(queueName, { connection });
  queue.on("error", (err) => logger.error({ err }, "queue error"));

  const record = async (o: RoutingOutcome) => {
    await state.record(o);
    count({ outcome: o.outcome });
  };

  const deliver = async (job: Job<DeliveryJobData>, token?: string): Promise<string> => {
    const data = DeliveryJobData.parse(job.data);
    const { subscriptionId } = data;
    const log = logger.child({ subscriptionId, eventId: data.eventId, jobId: job.id, attempt: job.attemptsMade + 1 });
    // an explicit delivery record: the job id de-duplicates only while the job exists
    if (await state.isDelivered(subscriptionId, data.eventId)) return "already-delivered";
    const sub = await store.get(subscriptionId);
    if (!sub) return "subscription-gone";
    const at = () => new Date().toISOString();
    const active = await silences.list();
    let alerts: Alert[];
    let members: string[];
    if (data.kind === "alert") {
      const silence = active.find((s) => silenceMatches(s, data.alert));
      if (silence) {
        await record({
          outcome: "silenced",
          subscriptionId,
          eventId: data.eventId,
          alertIds: [data.alertId],
          at: at(),
          reason: silence.id,
        });
        return "silenced";
      }
      // a critical seen since routing inhibits this one too
      const inhibitor = await state.inhibitedBy(data.alert);
      if (inhibitor) {
        await record({
          outcome: "inhibited",
          subscriptionId,
          eventId: data.eventId,
          alertIds: [data.alertId],
          at: at(),
          reason: inhibitor,
        });
        return "inhibited";
      }
      alerts = [data.alert];
      members = [data.eventId];
    } else {
      alerts = [];
      members = [];
      for (const [eventId, text] of await state.groupMembers(subscriptionId, data.windowId)) {
        if (await state.isDelivered(subscriptionId, eventId)) continue;
        const alert = Alert.parse(JSON.parse(text));
        const silence = active.find((s) => silenceMatches(s, alert));
        if (silence) {
          await record({ outcome: "silenced", subscriptionId, eventId, alertIds: [alert.alertId], at: at(), reason: silence.id });
          continue;
        }
        const inhibitor = await state.inhibitedBy(alert);
        if (inhibitor) {
          await record({ outcome: "inhibited", subscriptionId, eventId, alertIds: [alert.alertId], at: at(), reason: inhibitor });
          continue;
        }
        alerts.push(alert);
        members.push(eventId);
      }
      if (alerts.length === 0) return "digest-empty";
    }
    const alertIds = alerts.map((a) => a.alertId);
    // a digest of one alert goes as that alert, under its own webhook-id
    const sendId = members.length === 1 ? (members[0] as string) : data.eventId;
    if (!sub.enabled) {
      await record({ outcome: "disabled", subscriptionId, eventId: sendId, alertIds, at: at(), reason: sub.disabledReason ?? "disabled" });
      return "subscription-disabled";
    }

    const holder = job.id ?? data.eventId;
    const slot = await state.acquireSlot(subscriptionId, holder, inFlight, perSecond, 2 * timeoutMs + 5_000);
    if (slot !== 0) {
      // this subscription is busy or at its rate: step aside so other subscribers' jobs run,
      // backing off the more often this job has already been deferred (bounded churn for a slow one)
      const now = Date.now();
      const deferrals = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
      const busyWait = Math.min(timeoutMs, 100 * 2 ** Math.min(deferrals, 8)) * (0.5 + Math.random());
      const wait = slot === 1 ? busyWait : 100 + Math.random() * 200;
      await job.moveToDelayed(now + Math.round(wait), token);
      throw new DelayedError();
    }
    try {
      const res = await sendToSubscription(sub, sendId, alerts, { policy, timeoutMs, maxResponseBytes });
      await state.markDelivered(subscriptionId, data.eventId, alerts, [...new Set([sendId, ...members])]);
      count({ outcome: "delivered" });
      log.info({ alertIds, status: res.status }, "webhook delivered");
      return `delivered ${res.status}`;
    } catch (err) {
      failedAttempts();
      return await failed(err as Error, sub, sendId, alertIds, job, log);
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

  const workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
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
  const runner = new ConsumerRunner({
    kafka,
    groupId: options.groupId ?? `${topicPrefix}entrepot-notifier`,
    topics: [topicName(topicPrefix, "alerts")],
    logger,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    handleBatch: async (messages) => {
      const alerts: Alert[] = [];
      const rejects: OutgoingMessage[] = [];
      for (const m of messages) {
        const parsed = Alert.safeParse(parseJson(m.value));
        if (parsed.success) alerts.push(parsed.data);
        else rejects.push(rejectFor(topicPrefix, m, parsed.error.issues[0]));
      }
      await producer.send(rejects);
      // criticals first, so a warning in the same batch is already inhibited
      for (const a of alerts) {
        await state.noteForInhibition(a);
        await alertLog.append(a);
      }
      const subs = await store.list();
      const active = await silences.list();
      const jobs: { name: string; data: DeliveryJobData; opts: { jobId: string; delay: number } }[] = [];
      const outcomes: RoutingOutcome[] = [];
      for (const alert of alerts) {
        for (const sub of subs) {
          if (!matches(sub, alert)) continue;
          jobs.push(...(await route(alert, sub, active, outcomes)));
        }
      }
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

  const route = async (
    alert: Alert,
    sub: Subscription,
    active: readonly Silence[],
    outcomes: RoutingOutcome[],
  ): Promise<{ name: string; data: DeliveryJobData; opts: { jobId: string; delay: number } }[]> => {
    const subscriptionId = sub.id;
    const eventId = eventIdFor(alert);
    if (await state.isDelivered(subscriptionId, eventId)) return [];
    const previous = await state.outcome(subscriptionId, eventId);
    if (previous && SETTLED.has(previous.outcome)) return [];
    const base = { subscriptionId, eventId, alertIds: [alert.alertId], at: new Date().toISOString() };
    const silence = active.find((s) => silenceMatches(s, alert));
    if (silence) {
      outcomes.push({ ...base, outcome: "silenced", reason: silence.id });
      return [];
    }
    const inhibitor = await state.inhibitedBy(alert);
    if (inhibitor) {
      outcomes.push({ ...base, outcome: "inhibited", reason: inhibitor });
      return [];
    }
    if (await state.isUnchanged(subscriptionId, alert)) {
      outcomes.push({ ...base, outcome: "unchanged" });
      return [];
    }
    if (groupWindowMs > 0) {
      const { windowId } = await state.addToGroup(subscriptionId, eventId, alert, groupWindowMs);
      if (!previous) outcomes.push({ ...base, outcome: "grouped", reason: windowId });
      const data: DeliveryJobData = { kind: "digest", subscriptionId, windowId, eventId: digestEventId(subscriptionId, windowId) };
      // the window closes groupWindowMs after it opened; the flush runs a little after that
      const opened = Number(windowId.split("-")[0]);
      const delay = Math.max(0, opened + groupWindowMs + 250 - Date.now());
      return [{ name: "digest", data, opts: { jobId: jobIdFor(data), delay } }];
    }
    if (!previous) outcomes.push({ ...base, outcome: "queued" });
    const data: DeliveryJobData = { kind: "alert", alertId: alert.alertId, revision: alert.revision, subscriptionId, eventId, alert };
    // a lesser alert waits out the inhibition hold: the worker checks inhibition again when it sends
    const hold = alert.severity === "critical" ? 0 : inhibitionHoldMs;
    return [{ name: "deliver", data, opts: { jobId: jobIdFor(data), delay: Math.max(schedule[0] ?? 0, hold) } }];
  };

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

function rejectFor(topicPrefix: string, m: IncomingMessage, issue: { path: PropertyKey[]; message: string } | undefined): OutgoingMessage {
  const rejection: Rejection = {
    schemaVersion: 1,
    stage: "notify",
    reason: "schema_violation",
    message: `alert does not match the Alert schema: ${issue?.path.join(".")}: ${issue?.message}`,
    raw: m.value,
    rejectedAt: new Date().toISOString(),
  };
  return deadLetter(m, rejection, topicPrefix);
}

function parseJson(text: string | null): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return text;
  }
}
