import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTopics, type RunningService, spawnService, stopServices } from "@entrepot/cli";
import { SubscriptionStore } from "@entrepot/delivery";
import { createKafka, JsonProducer } from "@entrepot/kafka";
import { createLogger, ServiceStats } from "@entrepot/runtime";
import { Alert, topicName } from "@entrepot/schemas";
import { type Receiver, repoRoot, startReceiver, uniquePrefix, waitFor } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dashboardMetricNames, sampledNames } from "../grafanaDashboard";

const SAMPLES = resolve(repoRoot, "services/cli/samples");
const SERVICES = ["ingestor", "normalizer", "detector", "notifier"] as const;

/** Polls /readyz from the moment the process is spawned until it answers 200; the statuses it answered, in order. */
async function readinessUntilReady(service: RunningService, timeoutMs: number): Promise<number[]> {
  const seen: number[] = [];
  await waitFor(
    async () => {
      if (service.child.exitCode !== null) throw new Error(`${service.name} exited with ${service.child.exitCode}`);
      const res = await fetch(`http://127.0.0.1:${service.healthPort}/readyz`).catch(() => undefined);
      if (res) seen.push(res.status);
      return res?.status === 200;
    },
    { timeoutMs, intervalMs: 10, description: `${service.name} ready` },
  );
  return seen;
}

const get = (service: RunningService, path: string) => fetch(`http://127.0.0.1:${service.healthPort}${path}`);

/**
 * The services as operators run them (one process each, on the real Kafka and Redis): /readyz goes
 * 503 -> 200 -> 503 over start, consume and stop, and every metric the Grafana dashboard queries
 * has samples on a running service's /metrics once the sample feeds went through.
 */
describe("observability: readiness and the dashboard's metrics on running services", () => {
  const brokers = inject("kafkaBrokers").split(",");
  const prefix = uniquePrefix("obs");
  const logger = createLogger({ name: "obs-e2e", level: "warn" });
  const kafka = createKafka({ brokers, clientId: "obs-e2e", logger });
  const logDir = mkdtempSync(join(tmpdir(), "entrepot-obs-"));
  const inbox = join(logDir, "inbox");
  let redis: Redis;
  let receiver: Receiver;
  /** a slow subscriber of another company: its delivery is in flight when the notifier is stopped */
  let slow: Receiver;
  const services: RunningService[] = [];
  const byName = (name: (typeof SERVICES)[number]) => services.find((s) => s.name === name) as RunningService;
  const startedAs = new Map<string, number[]>();

  /** drops a sample file into the ingestor's inbox folder atomically (it skips dot files) */
  const drop = (feed: "revenue" | "customs", sample: string, name = sample) => {
    mkdirSync(join(inbox, feed), { recursive: true });
    copyFileSync(join(SAMPLES, sample), join(inbox, feed, `.${name}`));
    renameSync(join(inbox, feed, `.${name}`), join(inbox, feed, name));
  };

  beforeAll(async () => {
    redis = new Redis(inject("redisUrl"));
    receiver = await startReceiver();
    slow = await startReceiver();
    slow.respondWith({ status: 200, delayMs: 8_000 });
    await createTopics(brokers, prefix, logger);
    const subscriptions = new SubscriptionStore(redis, prefix);
    await subscriptions.add({ url: receiver.url, filters: { companies: ["NVDA"] } });
    await subscriptions.add({ url: slow.url, filters: { companies: ["OBSX"] } });
    const env = {
      ...process.env,
      KAFKA_BROKERS: brokers.join(","),
      REDIS_URL: inject("redisUrl"),
      ENTREPOT_TOPIC_PREFIX: prefix,
      ENTREPOT_SETTLE_MS: "500",
      ENTREPOT_RULES_FILE: join(SAMPLES, "demo-rules.yaml"),
      ENTREPOT_WEBHOOK_ALLOW: "127.0.0.1/32",
      ENTREPOT_INHIBITION_HOLD_MS: "0",
      ENTREPOT_INBOX: inbox,
      LOG_LEVEL: "info",
    };
    for (const name of SERVICES) services.push(await spawnService(repoRoot, name, { env, logFile: join(logDir, `${name}.log`) }));
    await Promise.all(services.map(async (s) => startedAs.set(s.name, await readinessUntilReady(s, 90_000))));
  });

  afterAll(async () => {
    await stopServices(services);
    await receiver?.close();
    await slow?.close();
    redis?.disconnect();
  });

  it("answers /readyz 503 while a service starts, then 200; /healthz at once", async () => {
    for (const s of services) {
      const statuses = startedAs.get(s.name) ?? [];
      expect(statuses[0], `${s.name}'s first /readyz answer (logs in ${logDir})`).toBe(503);
      expect(statuses.at(-1)).toBe(200);
      expect((await get(s, "/healthz")).status).toBe(200);
    }
    const body = (await (await get(byName("notifier"), "/readyz")).json()) as { ready: boolean; checks: Record<string, boolean> };
    expect(body).toEqual({ ready: true, checks: { notifier: true, redis: true } });
  });

  it("has samples of every metric the Grafana dashboard queries, once the sample feeds went through", async () => {
    const wanted = dashboardMetricNames();
    drop("revenue", "nvda-revenue.csv");
    drop("customs", "sg-hub-customs.csv");
    await waitFor(() => readdirSync(join(inbox, "done")).length === 2, { timeoutMs: 60_000, description: "both files ingested" });
    // the same filing again: the normalizer drops its facts as duplicates
    drop("revenue", "nvda-revenue.csv", "nvda-revenue-again.csv");
    const missing = async () => {
      const sampled = new Set<string>();
      for (const s of services) for (const name of sampledNames(await (await get(s, "/metrics")).text())) sampled.add(name);
      return wanted.filter((name) => !sampled.has(name));
    };
    await waitFor(async () => (await missing()).length === 0, { timeoutMs: 90_000, intervalMs: 500 }).catch(async (err: Error) => {
      throw new Error(`${err.message}: no samples of ${(await missing()).join(", ")} (logs in ${logDir})`);
    });

    // the counters say what happened: 61 rows per copy of the revenue file, one malformed; the second copy's facts are duplicates
    const stats = async () => ServiceStats.parse(await (await get(byName("normalizer"), "/stats")).json()).stages.normalize ?? {};
    await waitFor(async () => (await stats()).revenue?.in === 122, { timeoutMs: 60_000, description: "both revenue copies normalized" });
    const normalize = await stats();
    expect(normalize.revenue).toMatchObject({ in: 122, out: 60, rejected: 2, dropped: 60, droppedByReason: { duplicate: 60 } });
    for (const c of Object.values(normalize)) expect(c.in).toBe(c.out + c.rejected + c.dropped);
    const detector = await (await get(byName("detector"), "/metrics")).text();
    expect(detector).toMatch(/entrepot_alerts_total\{rule="share_shift_yoy",severity="[a-z]+",status="fired"\} [1-9]/);
    const notifier = await (await get(byName("notifier"), "/metrics")).text();
    expect(notifier).toMatch(/entrepot_delivery_duration_seconds_count\{outcome="delivered"\} [1-9]/);
    expect(notifier).toMatch(/entrepot_queue_jobs\{queue="[^"]+",state="failed"\} 0/);
    expect(receiver.requests.length).toBeGreaterThan(0);
  });

  it("answers /readyz 503 once the notifier's consumer stops, while it finishes the delivery in flight", async () => {
    const notifier = byName("notifier");
    expect((await get(notifier, "/readyz")).status).toBe(200);
    // the slow subscriber holds its answer: the delivery is in flight when SIGTERM arrives
    const alert = Alert.parse({
      schemaVersion: 1,
      alertId: "share_shift_yoy|OBSX|SG|FY2099-Q1",
      rule: "share_shift_yoy",
      status: "fired",
      severity: "critical",
      entity: { company: "OBSX" },
      region: "SG",
      regionName: "Singapore",
      period: "FY2099-Q1",
      baselinePeriod: "FY2098-Q1",
      observed: 0.3,
      baseline: 0.1,
      score: 20,
      threshold: 5,
      summary: "OBSX billed 30.0% of revenue to Singapore in FY2099-Q1, up from 10.0% in FY2098-Q1.",
      basis: "revenue by customer billing location",
      evidence: [],
      revision: 1,
      detectedAt: new Date().toISOString(),
    });
    const producer = new JsonProducer(kafka);
    await producer.start();
    await producer.send([{ topic: topicName(prefix, "alerts"), key: alert.alertId, value: alert }]);
    await producer.close();
    await waitFor(() => slow.requests.length > 0, {
      timeoutMs: 60_000,
      description: "the delivery in flight",
    });

    notifier.child.kill("SIGTERM");
    await waitFor(async () => (await get(notifier, "/readyz")).status === 503, {
      timeoutMs: 7_000,
      intervalMs: 20,
      description: "/readyz 503 while the notifier stops",
    });
    const body = (await (await get(notifier, "/readyz")).json()) as { checks: Record<string, boolean> };
    expect(body.checks.notifier).toBe(false);
    // the process is still finishing the delivery; then it exits cleanly
    expect(notifier.child.exitCode).toBeNull();
    expect(await notifier.exited).toBe(0);
  });
});
