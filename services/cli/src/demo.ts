import { resolve } from "node:path";
import { SubscriptionStore } from "@entrepot/delivery";
import { consumerLag, createKafka, type Kafka, readTopicToEnd } from "@entrepot/kafka";
import { createRedis, type Logger } from "@entrepot/runtime";
import { Alert, consumerGroupId, topicName, topicsReadBy } from "@entrepot/schemas";
import { startReceiver, verify } from "@entrepot/webhooks";
import { serveDemoDashboard } from "./demoDashboard";
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
import { DEMO_RULES_FILE, NVDA_REVENUE, SG_HUB_CUSTOMS } from "./samples";
import { type RunningService, startPipelineServices, stopServices } from "./serviceProcesses";

export interface DemoOptions {
  repoRoot: string;
  brokers: readonly string[];
  redisUrl: string;
  logger: Logger;
  /** the revenue file (default: the NVDA sample) */
  file?: string;
  /** the customs file (default: the constructed Singapore-hub sample); null: revenue only */
  customsFile?: string | null;
  /** start (and afterwards stop) the local infra when it is not running; false when KAFKA_BROKERS/REDIS_URL point elsewhere */
  manageInfra: boolean;
  /** write to stdout */
  print: (line: string) => void;
  /** afterwards keep the services up, with an API serving the dashboard, until Ctrl-C */
  keepRunning?: boolean;
}

/** The rules the demo's subscriber asks for: the share shift, and how the customs data reads it. */
export const DEMO_RULES = ["share_shift_yoy", "billing_shipping_divergence", "corroboration"] as const;

/**
 * The whole pipeline end to end on real infrastructure: brings up Kafka and Redis if they are not
 * running, creates topics under a fresh prefix, starts normalizer, detector (with the demo watch
 * list) and notifier as processes, subscribes a local webhook receiver to NVDA's share-shift,
 * divergence and corroboration alerts, ingests the sample revenue file and the constructed
 * customs file, waits for the signed webhooks, verifies them, prints them and the reconciliation
 * of both ingest runs, and shuts down. Returns the process exit code.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { repoRoot, print, logger } = options;
  const file = options.file ?? NVDA_REVENUE;
  const customsFile = options.customsFile === undefined ? SG_HUB_CUSTOMS : options.customsFile;
  const wanted: readonly string[] = customsFile ? DEMO_RULES : ["share_shift_yoy"];
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
  const redis = createRedis(options.redisUrl, { role: "cli", logger });
  try {
    await redis.connect();
    const created = await createTopics(options.brokers, prefix, logger);
    print(`Topics created under prefix "${prefix}": ${created.length}`);

    const store = new SubscriptionStore(redis, prefix);
    // The subscriber asks for NVDA's share shift and what the customs data says about it; every alert is listed from alerts.v1 below.
    const sub = await store.add({ url: receiver.url, filters: { companies: ["NVDA"], rules: [...wanted] } });
    print(`Subscriber ${sub.id} listening at ${receiver.url}`);

    // the watch list (ENTREPOT_RULES_FILE): NVDA's products (HS codes), their manufacturing origins and the hub to compare
    services.push(
      ...(await startPipelineServices(repoRoot, {
        brokers: options.brokers,
        redisUrl: options.redisUrl,
        prefix,
        logDir,
        settleMs: 1500,
        rulesFile: DEMO_RULES_FILE,
      })),
    );
    print(`Services running: ${services.map((s) => `${s.name} (pid ${s.child.pid})`).join(", ")}; logs in ${logDir}`);

    const kafka = createKafka({ brokers: options.brokers, clientId: "entrepot-demo", logger });
    // the normalizer counts duplicates only in its metrics (they produce no message): read its /stats before and after
    const normalizerMetrics = `http://127.0.0.1:${(services.find((s) => s.name === "normalizer") as RunningService).healthPort}/stats`;
    const metricsBefore = await scrapeNormalizerMetrics(normalizerMetrics);
    const t0 = Date.now();
    const report = await ingest(kafka, prefix, file, "revenue");
    print(`Ingested ${file}: ${report.read} rows, ${report.published} published, ${report.rejected} rejected at ingest`);
    const customsReport = customsFile ? await ingest(kafka, prefix, customsFile, "customs") : undefined;
    if (customsReport && customsFile)
      print(
        `Ingested ${customsFile}: ${customsReport.read} rows, ${customsReport.published} published, ${customsReport.rejected} rejected at ingest`,
      );

    // one webhook per rule asked for (a warning or info alert waits out the inhibition hold first)
    const deadline = Date.now() + 90_000;
    const ruleOf = (request: { body: string }) => (JSON.parse(request.body) as { data: { rule: string } }).data.rule;
    const received = () => new Set(receiver.requests.map(ruleOf));
    while (wanted.some((rule) => !received().has(rule)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const missing = wanted.filter((rule) => !received().has(rule));
    if (receiver.requests.length === 0 || missing.length > 0) {
      print(`No webhook for ${missing.join(", ")} arrived within 90 s; see the service logs in ${logDir}`);
      return 1;
    }
    print("");
    print(`Webhooks received within ${Date.now() - t0} ms of the first ingest; every signature verified:`);
    let firstPayload: unknown;
    for (const rule of wanted) {
      const request = receiver.requests.find((r) => ruleOf(r) === rule);
      if (!request) continue;
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
      verify(sub.secret, headers, request.body);
      const payload = JSON.parse(request.body) as { type: string; data: unknown };
      firstPayload ??= payload;
      const alert = Alert.parse(payload.data);
      print(`  [${alert.severity}] ${alert.summary}`);
      print(`    rule ${alert.rule}, alert id ${alert.alertId}, webhook-id ${headers["webhook-id"]}, revision ${alert.revision}`);
    }
    print("");
    await waitNormalized(kafka, prefix, 30_000);
    const delta = metricsDelta(metricsBefore, await scrapeNormalizerMetrics(normalizerMetrics));
    let balanced = true;
    for (const [name, r] of [[file, report], ...(customsReport && customsFile ? [[customsFile, customsReport] as const] : [])] as const) {
      const rec = await reconcile(kafka, prefix, r, { normalizerDelta: delta });
      balanced &&= rec.balanced;
      print(`Reconciliation of ${name}:`);
      for (const line of formatReconciliation(rec).split("\n")) print(`  ${line}`);
    }
    print(`Webhooks received in total: ${receiver.requests.length}`);
    await waitDetected(kafka, prefix, 30_000);
    const all = (await readTopicToEnd(kafka, topicName(prefix, "alerts"))).map((m) => Alert.parse(JSON.parse(m.value ?? "")));
    print("");
    print(`All alerts on ${topicName(prefix, "alerts")} (${all.length}; the subscriber asked for ${wanted.join(", ")} on NVDA):`);
    for (const a of all) print(`  [${a.severity}] ${a.rule} ${a.region} ${a.period}: ${a.summary}`);
    print("");
    print("Full payload of the first webhook:");
    print(JSON.stringify(firstPayload, null, 2));
    if (options.keepRunning) await serveDemoDashboard({ ...options, prefix, logDir });
    return balanced ? 0 : 1;
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
  const topics = topicsReadBy(prefix, "detector");
  while ((await consumerLag(kafka, consumerGroupId(prefix, "detector"), topics)) > 0) {
    if (Date.now() > deadline) throw new Error(`detector still behind after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
