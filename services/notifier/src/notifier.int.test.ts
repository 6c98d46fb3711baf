import { AlertLog, DeliveryAdmin, deliveryQueueName, RoutingState, SilenceStore, SubscriptionStore } from "@entrepot/delivery";
import { consumerLag, createKafka, ensureTopics, JsonProducer, readTopicToEnd } from "@entrepot/kafka";
import { createLogger, Metrics } from "@entrepot/runtime";
import { type Alert, topicDefinitions, topicName } from "@entrepot/schemas";
import { makeAlert, type Receiver, startReceiver, uniquePrefix, waitFor } from "@entrepot/testkit";
import { generateSecretKey, parseOutboundPolicy, SecretBox } from "@entrepot/webhooks";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, inject, it } from "vitest";
import { type NotifierOptions, startNotifier } from "./notifier";

import { eventIdFor } from "./webhookDelivery";

const brokers = inject("kafkaBrokers").split(",");
const logger = createLogger({ name: "notifier-test", level: "warn" });

interface Harness {
  prefix: string;
  redis: Redis;
  subs: SubscriptionStore;
  silences: SilenceStore;
  state: RoutingState;
  queue: Queue;
  publish(alerts: Alert[]): Promise<void>;
  /** re-publishes every message on alerts.v1, as a replay would */
  replayTopic(): Promise<number>;
  /** alerts consumed and no delivery job left waiting, active or delayed */
  settled(): Promise<void>;
  restart(overrides?: Partial<NotifierOptions>): Promise<void>;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function harness(overrides: Partial<NotifierOptions> = {}): Promise<Harness> {
  const prefix = uniquePrefix("notif");
  const kafka = createKafka({ brokers, clientId: "notifier-test", logger });
  await ensureTopics(kafka, topicDefinitions(prefix));
  const redis = new Redis(inject("redisUrl"));
  const producer = new JsonProducer(kafka);
  await producer.start();
  const queue = new Queue(deliveryQueueName(prefix), { connection: redis.duplicate({ maxRetriesPerRequest: null }) });
  const base: NotifierOptions = {
    kafka,
    redis,
    topicPrefix: prefix,
    logger,
    metrics: new Metrics(),
    retryScheduleMs: [0, 100, 200, 300],
    outboundPolicy: parseOutboundPolicy("127.0.0.1/32"),
    timeoutMs: 5_000,
    inhibitionHoldMs: 0,
    ...overrides,
  };
  let handle = await startNotifier(base);
  await waitFor(() => handle.ready(), { description: "notifier ready" });
  const h: Harness = {
    prefix,
    redis,
    subs: new SubscriptionStore(redis, prefix),
    silences: new SilenceStore(redis, prefix),
    state: new RoutingState(redis, prefix),
    queue,
    publish: (alerts) => producer.send(alerts.map((a) => ({ topic: topicName(prefix, "alerts"), key: a.alertId, value: a }))),
    replayTopic: async () => {
      const all = await readTopicToEnd(kafka, topicName(prefix, "alerts"));
      await producer.send(
        all.map((m) => ({ topic: topicName(prefix, "alerts"), key: m.key ?? "", value: JSON.parse(m.value ?? "null") as unknown })),
      );
      return all.length;
    },
    settled: async () => {
      await waitFor(
        async () => {
          if ((await consumerLag(kafka, `${prefix}entrepot-notifier`, [topicName(prefix, "alerts")])) !== 0) return false;
          const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
          return Object.values(counts).every((n) => n === 0);
        },
        { timeoutMs: 60_000, description: "notifier caught up and queue drained" },
      );
    },
    restart: async (more = {}) => {
      await handle.close();
      handle = await startNotifier({ ...base, ...more });
      await waitFor(() => handle.ready(), { description: "notifier ready again" });
    },
    stop: () => handle.close(),
  };
  cleanups.push(async () => {
    await handle.close();
    await producer.close();
    await queue.close();
    redis.disconnect();
  });
  return h;
}

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

const webhookIds = (r: Receiver) => r.requests.map((q) => String(q.headers["webhook-id"]));
const headersOf = (r: Receiver, i: number) =>
  Object.fromEntries(Object.entries(r.requests[i]?.headers ?? {}).map(([k, v]) => [k, String(v)]));

describe("notifier delivery on real Kafka, Redis and HTTP receivers", () => {
  it("delivers a webhook whose signature the standardwebhooks package verifies", async () => {
    const h = await harness();
    const rx = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    const alert = makeAlert();
    await h.publish([alert]);
    await waitFor(() => rx.requests.length === 1, { description: "one webhook" });
    const payload = new Webhook(sub.secret).verify(rx.requests[0]?.body ?? "", headersOf(rx, 0)) as { type: string; data: Alert };
    expect(payload).toMatchObject({ type: "alert.fired", data: { alertId: alert.alertId } });
    expect(webhookIds(rx)).toEqual([eventIdFor(alert)]);
    await waitFor(async () => (await h.state.outcome(sub.id, eventIdFor(alert)))?.outcome === "delivered", {
      description: "delivered recorded",
    });
    // the API's view: the alert log holds it once
    expect((await new AlertLog(h.redis, h.prefix).list({}, 0, 10)).alerts.map((a) => a.alertId)).toEqual([alert.alertId]);
  });

  it("signs with a secret stored encrypted, as the API stores it", async () => {
    const secretBox = new SecretBox(generateSecretKey());
    const h = await harness({ secretBox });
    const rx = await receiver();
    const sub = await new SubscriptionStore(h.redis, h.prefix, secretBox).add({ url: rx.url });
    expect(await h.redis.hget(`${h.prefix}entrepot:subscriptions`, sub.id)).not.toContain(sub.secret);
    await h.publish([makeAlert()]);
    await waitFor(() => rx.requests.length === 1, { description: "one webhook" });
    expect(() => new Webhook(sub.secret).verify(rx.requests[0]?.body ?? "", headersOf(rx, 0))).not.toThrow();
  });

  it("retries a 500 and delivers once when the subscriber answers 200", async () => {
    const h = await harness();
    const rx = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    rx.script([
      { status: 500, body: "oops" },
      { status: 503, retryAfter: "0" },
    ]);
    const alert = makeAlert();
    await h.publish([alert]);
    await waitFor(async () => (await h.state.outcome(sub.id, eventIdFor(alert)))?.outcome === "delivered", { description: "delivered" });
    await h.settled();
    expect(rx.requests.map((r) => r.status)).toEqual([500, 503, 200]);
    expect(new Set(webhookIds(rx))).toEqual(new Set([eventIdFor(alert)]));
  });

  it("waits as long as Retry-After asks when that is longer than the schedule", async () => {
    const h = await harness({ retryScheduleMs: [0, 50, 50] });
    const rx = await receiver();
    await h.subs.add({ url: rx.url });
    rx.script([{ status: 429, retryAfter: "3600" }]);
    await h.publish([makeAlert()]);
    const job = await waitFor(
      async () => {
        const [delayed] = await h.queue.getJobs(["delayed"]);
        return delayed && delayed.attemptsMade === 1 ? delayed : undefined;
      },
      { description: "the job waiting for its retry" },
    );
    // scheduled, not measured: the retry is due an hour after the failure, not 50 ms
    expect(job.delay).toBeGreaterThanOrEqual(3_600_000);
    expect(rx.requests).toHaveLength(1);
  });

  it("keeps retrying while the subscriber is down and delivers after it comes back", async () => {
    const h = await harness({ retryScheduleMs: [0, ...Array.from({ length: 30 }, () => 200)] });
    const rx = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    await rx.down();
    const alert = makeAlert();
    await h.publish([alert]);
    await waitFor(
      async () => {
        const job = (await h.queue.getJobs(["delayed", "waiting", "active"]))[0];
        return (job?.attemptsMade ?? 0) >= 3;
      },
      { description: "three failed attempts while down" },
    );
    expect(rx.requests).toHaveLength(0);
    await rx.up();
    await waitFor(async () => (await h.state.outcome(sub.id, eventIdFor(alert)))?.outcome === "delivered", {
      description: "delivered after recovery",
    });
    await h.settled();
    expect(webhookIds(rx)).toEqual([eventIdFor(alert)]);
  });

  it("moves a delivery that exhausts the schedule to the failed set, from which it can be replayed", async () => {
    const h = await harness({ retryScheduleMs: [0, 50, 50] });
    const rx = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    rx.respondWith(500);
    const alert = makeAlert();
    await h.publish([alert]);
    await waitFor(async () => (await h.state.outcome(sub.id, eventIdFor(alert)))?.outcome === "failed", { description: "failed for good" });
    expect(rx.requests).toHaveLength(3);
    const admin = new DeliveryAdmin(h.redis, h.prefix);
    try {
      const failed = await admin.failed();
      expect(failed).toMatchObject([{ subscriptionId: sub.id, eventId: eventIdFor(alert), alertId: alert.alertId, attempts: 3 }]);
      expect(failed[0]?.reason).toContain("answered 500");
      rx.respondWith(200);
      expect(await admin.retry(failed[0]?.jobId ?? "")).toBe(true);
      await waitFor(async () => (await h.state.outcome(sub.id, eventIdFor(alert)))?.outcome === "delivered", { description: "replayed" });
      expect(await admin.failed()).toEqual([]);
      expect(rx.requests.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    } finally {
      await admin.close();
    }
  });

  it("a slow subscriber does not delay the others", async () => {
    const h = await harness({ perSubscriptionInFlight: 2, timeoutMs: 60_000 });
    const slow = await receiver();
    const fast = await receiver();
    slow.respondWith({ status: 200, delayMs: 60_000 });
    await h.subs.add({ url: slow.url });
    await h.subs.add({ url: fast.url });
    const alerts = Array.from({ length: 12 }, (_, i) => makeAlert({ period: `FY2025-Q${i}` }));
    await h.publish(alerts);
    await waitFor(() => fast.requests.length === 12, { description: "fast subscriber got all 12" });
    // the slow one holds at most its two in-flight slots; the rest of its jobs wait their turn
    expect(slow.requests.length).toBeLessThanOrEqual(2);
    await slow.close();
  });

  it("410 Gone disables the subscription", async () => {
    const h = await harness();
    const rx = await receiver();
    const other = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    await h.subs.add({ url: other.url });
    rx.respondWith(410);
    await h.publish([makeAlert()]);
    await waitFor(async () => (await h.subs.get(sub.id))?.enabled === false, { description: "subscription disabled" });
    expect((await h.subs.get(sub.id))?.disabledReason).toBe("410 Gone");
    await h.publish([makeAlert({ region: "TW" })]);
    await waitFor(() => other.requests.length === 2, { description: "other subscriber got both" });
    await h.settled();
    expect(rx.requests).toHaveLength(1);
  });

  it("disables a subscription that keeps failing for longer than the limit (days in production)", async () => {
    const h = await harness({ retryScheduleMs: [0, 100, 200, 300, 400], disableAfterFailingMs: 250 });
    const rx = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    rx.respondWith(500);
    await h.publish([makeAlert()]);
    await waitFor(async () => (await h.subs.get(sub.id))?.enabled === false, { description: "subscription disabled" });
    expect((await h.subs.get(sub.id))?.disabledReason).toMatch(/^failing for \d+ h without a success$/);
    expect(rx.requests.length).toBeGreaterThanOrEqual(2);
    // disabled: a new alert is not attempted
    const attempts = rx.requests.length;
    await h.publish([makeAlert({ region: "TW" })]);
    await h.settled();
    expect(rx.requests).toHaveLength(attempts);
  });

  it("records silenced alerts instead of sending them, and inhibits warnings under a critical", async () => {
    const h = await harness();
    const rx = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    const silence = await h.silences.add({
      matchers: { company: "AMD", rule: "share_shift_yoy" },
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const silenced = makeAlert({ entity: { company: "AMD" } });
    const critical = makeAlert({ severity: "critical", region: "SG" });
    const warning = makeAlert({ severity: "warning", rule: "billing_divergence", region: "CN" });
    const otherPeriod = makeAlert({ severity: "warning", rule: "billing_divergence", region: "CN", period: "FY2025-Q2" });
    await h.publish([critical]);
    await waitFor(() => rx.requests.length === 1, { description: "critical delivered" });
    await h.publish([silenced, warning, otherPeriod]);
    await h.settled();
    expect(await h.state.outcome(sub.id, eventIdFor(silenced))).toMatchObject({ outcome: "silenced", reason: silence.id });
    expect(await h.state.outcome(sub.id, eventIdFor(warning))).toMatchObject({ outcome: "inhibited", reason: critical.alertId });
    expect(new Set(webhookIds(rx))).toEqual(new Set([eventIdFor(critical), eventIdFor(otherPeriod)]));
    // a restart remembers: replaying the topic from the start sends nothing new
    await h.restart({ groupId: `${h.prefix}replay` });
    await h.settled();
    expect(rx.requests).toHaveLength(2);
  });

  it("does not resend an unchanged alert, but sends a changed revision", async () => {
    const h = await harness();
    const rx = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    const r1 = makeAlert();
    await h.publish([r1]);
    await waitFor(() => rx.requests.length === 1, { description: "first revision" });
    const r2 = { ...r1, revision: 2, detectedAt: new Date().toISOString() };
    await h.publish([r2]);
    await waitFor(async () => (await h.state.outcome(sub.id, eventIdFor(r2)))?.outcome === "unchanged", {
      description: "unchanged recorded",
    });
    const r3 = { ...r1, revision: 3, status: "updated" as const, observed: 0.25, summary: "NVDA billed 25.0% to Singapore." };
    await h.publish([r3]);
    await waitFor(() => rx.requests.length === 2, { description: "changed revision sent" });
    await h.settled();
    expect(webhookIds(rx)).toEqual([eventIdFor(r1), eventIdFor(r3)]);
  });

  it("groups alerts within the window into one signed digest", async () => {
    const h = await harness({ groupWindowMs: 1_000 });
    const rx = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    const alerts = ["SG", "TW", "CN"].map((region, i) => makeAlert({ region, period: `FY2025-Q${i + 1}` }));
    // within the window, the critical inhibits the warning for the same entity and period whatever their order
    const warning = makeAlert({ rule: "billing_divergence", region: "HK", period: "FY2025-Q4" });
    const critical = makeAlert({ severity: "critical", region: "HK", period: "FY2025-Q4" });
    await h.publish([...alerts, warning, critical]);
    await waitFor(() => rx.requests.length === 1, { description: "one digest" });
    await h.settled();
    expect(rx.requests).toHaveLength(1);
    const digest = new Webhook(sub.secret).verify(rx.requests[0]?.body ?? "", headersOf(rx, 0)) as {
      type: string;
      data: { count: number; alerts: Alert[] };
    };
    expect(digest.type).toBe("alert.digest");
    expect(digest.data.alerts.map((a) => a.alertId).sort()).toEqual([...alerts, critical].map((a) => a.alertId).sort());
    for (const a of [...alerts, critical]) expect(await h.state.isDelivered(sub.id, eventIdFor(a))).toBe(true);
    expect(await h.state.outcome(sub.id, eventIdFor(warning))).toMatchObject({ outcome: "inhibited", reason: critical.alertId });
  });

  it("a duplicated Kafka message and a replay of the topic still give one webhook", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.subs.add({ url: rx.url });
    const alert = makeAlert();
    await h.publish([alert, alert]);
    await h.publish([alert]);
    await h.settled();
    await h.restart({ groupId: `${h.prefix}replay` });
    await h.settled();
    expect(webhookIds(rx)).toEqual([eventIdFor(alert)]);
  });

  it("sends Slack subscribers a message for people, unsigned", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.subs.add({ url: rx.url, channel: "slack" });
    const alert = makeAlert();
    await h.publish([alert]);
    await waitFor(() => rx.requests.length === 1, { description: "slack message" });
    const msg = JSON.parse(rx.requests[0]?.body ?? "{}") as { text: string };
    expect(msg.text).toContain(alert.summary);
    expect(rx.requests[0]?.headers["webhook-signature"]).toBeUndefined();
  });

  it("refuses loopback, private and metadata targets unless allow-listed", async () => {
    const h = await harness({ outboundPolicy: parseOutboundPolicy("") });
    const rx = await receiver();
    const loopback = await h.subs.add({ url: rx.url });
    const metadata = await h.subs.add({ url: "http://169.254.169.254/latest/meta-data/" });
    const privateNet = await h.subs.add({ url: "http://10.0.0.1/hook" });
    const alert = makeAlert();
    await h.publish([alert]);
    for (const sub of [loopback, metadata, privateNet]) {
      await waitFor(async () => (await h.state.outcome(sub.id, eventIdFor(alert)))?.outcome === "refused", {
        description: `${sub.url} refused`,
      });
    }
    expect((await h.state.outcome(metadata.id, eventIdFor(alert)))?.reason).toContain("169.254.169.254");
    await h.settled();
    expect(rx.requests).toHaveLength(0);
  });

  it("signs with the old and the new secret during a rotation, and only the new one after the old expires", async () => {
    const secretBox = new SecretBox(generateSecretKey());
    const h = await harness({ secretBox });
    const rx = await receiver();
    const subs = new SubscriptionStore(h.redis, h.prefix, secretBox);
    const sub = await subs.add({ url: rx.url });
    const rotated = await subs.rotateSecret(sub.id, { graceMs: 24 * 3_600_000 });
    expect(rotated?.secret).not.toBe(sub.secret);
    const first = makeAlert();
    await h.publish([first]);
    await waitFor(() => rx.requests.length === 1, { description: "webhook during rotation" });
    const body0 = rx.requests[0]?.body ?? "";
    expect(String(rx.requests[0]?.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(() => new Webhook(sub.secret).verify(body0, headersOf(rx, 0))).not.toThrow();
    expect(() => new Webhook(rotated?.secret ?? "").verify(body0, headersOf(rx, 0))).not.toThrow();
    // the grace period is over (set in the past rather than waited for)
    const current = await subs.get(sub.id);
    await subs.update(sub.id, {
      previousSecrets: (current?.previousSecrets ?? []).map((p) => ({ ...p, expiresAt: new Date(Date.now() - 1000).toISOString() })),
    });
    await h.publish([makeAlert({ region: "TW" })]);
    await waitFor(() => rx.requests.length === 2, { description: "webhook after expiry" });
    const body1 = rx.requests[1]?.body ?? "";
    expect(() => new Webhook(rotated?.secret ?? "").verify(body1, headersOf(rx, 1))).not.toThrow();
    expect(() => new Webhook(sub.secret).verify(body1, headersOf(rx, 1))).toThrow();
  });

  it("inhibits a warning that arrives before its critical, without a grouping window", async () => {
    const h = await harness({ inhibitionHoldMs: 8_000 });
    const rx = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    const warning = makeAlert({ severity: "warning", rule: "billing_divergence", region: "CN" });
    const critical = makeAlert({ severity: "critical", region: "SG" });
    await h.publish([warning]);
    await waitFor(async () => (await h.state.outcome(sub.id, eventIdFor(warning)))?.outcome === "queued", {
      description: "warning routed",
    });
    // the warning's job is held (scheduled, not measured), the critical comes after it, on its own key
    const [held] = await h.queue.getJobs(["delayed"]);
    expect(held?.delay).toBeGreaterThanOrEqual(8_000);
    await h.publish([critical]);
    await h.settled();
    expect(webhookIds(rx)).toEqual([eventIdFor(critical)]);
    expect(await h.state.outcome(sub.id, eventIdFor(warning))).toMatchObject({ outcome: "inhibited", reason: critical.alertId });
  });

  it("never sends one subscriber more than its rate in any one-second window", async () => {
    const limit = 4;
    const h = await harness({ perSubscriptionPerSecond: limit, perSubscriptionInFlight: 10 });
    const rx = await receiver();
    await h.subs.add({ url: rx.url });
    const n = 14;
    await h.publish(Array.from({ length: n }, (_, i) => makeAlert({ period: `FY2025-Q${i}` })));
    await waitFor(() => rx.requests.length === n, { timeoutMs: 30_000, description: "all alerts delivered" });
    const times = rx.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    const worst = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(worst).toBeLessThanOrEqual(limit);
  });

  it("a full replay of alerts.v1 (re-published, and re-read by a new group) sends no new webhook", async () => {
    const h = await harness();
    const rx = await receiver();
    const sub = await h.subs.add({ url: rx.url });
    await h.silences.add({ matchers: { company: "AMD" }, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const critical = makeAlert({ severity: "critical", region: "SG" });
    const r1 = makeAlert({ region: "TW", period: "FY2025-Q2" });
    const r2 = { ...r1, revision: 2, status: "updated" as const, observed: 0.3, summary: "changed" };
    const alerts = [critical, makeAlert({ region: "CN" }), makeAlert({ entity: { company: "AMD" } }), r1, r2];
    for (const a of alerts) await h.publish([a]);
    await h.settled();
    const before = webhookIds(rx);
    const outcomesOf = async () => (await h.state.outcomes(sub.id)).map((o) => `${o.eventId} ${o.outcome} ${o.at}`).sort();
    const outcomesBefore = await outcomesOf();
    expect(await h.replayTopic()).toBe(alerts.length);
    await h.settled();
    await h.restart({ groupId: `${h.prefix}replay` });
    await h.settled();
    expect(webhookIds(rx)).toEqual(before);
    // no decision was reconsidered: every outcome record is untouched
    expect(await outcomesOf()).toEqual(outcomesBefore);
  });
});
