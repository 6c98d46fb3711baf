import { resolve } from "node:path";
import { SubscriptionStore } from "@entrepot/delivery";
import { consumerLag, createKafka, type Kafka, readTopicToEnd } from "@entrepot/kafka";
import type { Logger } from "@entrepot/runtime";
import { Alert, topicName } from "@entrepot/schemas";
import { startReceiver } from "@entrepot/testkit/receiver";
import { verify } from "@entrepot/webhooks";
import { Redis } from "ioredis";
import { infraCommand, infraRunning } from "./infraScripts";
import {
  createTopics,
  formatReconciliation,
  ingest,
  metricsDelta,
  reconcile,
  scrapeNormalizerMetrics,
  waitNormalized,
} from "./pipelineRun";
import { type RunningService, spawnService, stopServices, waitReady } from "./serviceProcesses";

export interface DemoOptions {
  repoRoot: string;
  brokers: readonly string[];
  redisUrl: string;
  logger: Logger;
  file?: string;
  /** start (and afterwards stop) the local infra when it is not running; false when KAFKA_BROKERS/REDIS_URL point elsewhere */
  manageInfra: boolean;
  /** write to stdout */
  print: (line: string) => void;
}

/**
 * The walking skeleton, end to end on real infrastructure: brings up Kafka and Redis if they
 * are not running, creates topics under a fresh prefix, starts normalizer, detector and
 * notifier as processes, subscribes a local webhook receiver, ingests the sample revenue file,
 * waits for the signed alert, verifies it, prints it and the reconciliation, and shuts down.
 * Returns the process exit code.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { repoRoot, print, logger } = options;
  const file = options.file ?? resolve(repoRoot, "services/cli/samples/nvda-revenue.csv");
  const startedInfra = options.manageInfra && !(await infraRunning(repoRoot));
  if (startedInfra) {
    print("Starting local Kafka and Redis (infra/scripts/infra.sh up) ...");
    if (infraCommand(repoRoot, "up", "quiet") !== 0) return 1;
  }
  const prefix = `demo-${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, "")
    .slice(0, 14)}-${process.pid}.`;
  const logDir = resolve(repoRoot, ".entrepot/demo", prefix.slice(0, -1));
  const services: RunningService[] = [];
  const receiver = await startReceiver();
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  try {
    await redis.connect();
    const created = await createTopics(options.brokers, prefix, logger);
    print(`Topics created under prefix "${prefix}": ${created.length}`);

    const store = new SubscriptionStore(redis, prefix);
    // The subscriber asks for NVDA's share-shift alerts; the other rules' alerts are listed from alerts.v1 below.
    const sub = await store.add({ url: receiver.url, filters: { companies: ["NVDA"], rules: ["share_shift_yoy"] } });
    print(`Subscriber ${sub.id} listening at ${receiver.url}`);

    const env = {
      ...process.env,
      KAFKA_BROKERS: options.brokers.join(","),
      REDIS_URL: options.redisUrl,
      ENTREPOT_TOPIC_PREFIX: prefix,
      ENTREPOT_SETTLE_MS: "1500",
      ENTREPOT_WEBHOOK_ALLOW: "127.0.0.1/32",
      LOG_LEVEL: "info",
      HEALTH_PORT: "0",
    };
    for (const name of ["normalizer", "detector", "notifier"] as const) {
      services.push(await spawnService(repoRoot, name, { env, logFile: resolve(logDir, `${name}.log`) }));
    }
    await Promise.all(services.map((s) => waitReady(s, 90_000)));
    print(`Services running: ${services.map((s) => `${s.name} (pid ${s.child.pid})`).join(", ")}; logs in ${logDir}`);

    const kafka = createKafka({ brokers: options.brokers, clientId: "entrepot-demo", logger });
    // the normalizer counts duplicates only in its metrics (they produce no message): scrape before and after
    const normalizerMetrics = `http://127.0.0.1:${(services.find((s) => s.name === "normalizer") as RunningService).healthPort}/metrics`;
    const metricsBefore = await scrapeNormalizerMetrics(normalizerMetrics);
    const t0 = Date.now();
    const report = await ingest(kafka, prefix, file, "revenue");
    print(`Ingested ${file}: ${report.read} rows, ${report.published} published, ${report.rejected} rejected at ingest`);

    const deadline = Date.now() + 90_000;
    while (receiver.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const first = receiver.requests[0];
    if (!first) {
      print(`No webhook arrived within 90 s; see the service logs in ${logDir}`);
      return 1;
    }
    const headers = Object.fromEntries(Object.entries(first.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    verify(sub.secret, headers, first.body);
    const payload = JSON.parse(first.body) as { type: string; data: unknown };
    const alert = Alert.parse(payload.data);
    print("");
    print(`Webhook received ${Date.now() - t0} ms after ingest started; signature verified (webhook-id ${headers["webhook-id"]}):`);
    print(`  [${alert.severity}] ${alert.summary}`);
    print(`  rule ${alert.rule}, alert id ${alert.alertId}, status ${alert.status}, revision ${alert.revision}`);
    print("");
    await waitNormalized(kafka, prefix, 30_000);
    const rec = await reconcile(kafka, prefix, report, {
      normalizerDelta: metricsDelta(metricsBefore, await scrapeNormalizerMetrics(normalizerMetrics)),
    });
    print("Reconciliation:");
    for (const line of formatReconciliation(rec).split("\n")) print(`  ${line}`);
    print(`Webhooks received in total: ${receiver.requests.length}`);
    await waitDetected(kafka, prefix, 30_000);
    const all = (await readTopicToEnd(kafka, topicName(prefix, "alerts"))).map((m) => Alert.parse(JSON.parse(m.value ?? "")));
    print("");
    print(`All alerts on ${topicName(prefix, "alerts")} (${all.length}; the subscriber filtered on rule share_shift_yoy):`);
    for (const a of all) print(`  [${a.severity}] ${a.rule} ${a.region} ${a.period}: ${a.summary}`);
    print("");
    print("Full alert payload:");
    print(JSON.stringify(payload, null, 2));
    return rec.balanced ? 0 : 1;
  } finally {
    const codes = await stopServices(services);
    if (services.length > 0) print(`Services stopped: ${services.map((s, i) => `${s.name} exit ${codes[i]}`).join(", ")}`);
    await receiver.close();
    redis.disconnect();
    if (startedInfra) {
      print("Stopping the Kafka and Redis this demo started ...");
      infraCommand(repoRoot, "down", "quiet");
    }
  }
}

/** Waits until the detector consumed every clean record and its settle window has passed (alerts published). */
async function waitDetected(kafka: Kafka, prefix: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await consumerLag(kafka, `${prefix}entrepot-detector`, [topicName(prefix, "revenueClean")])) > 0) {
    if (Date.now() > deadline) throw new Error(`detector still behind after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
