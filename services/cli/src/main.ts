import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { publicSubscription, SubscriptionStore } from "@entrepot/delivery";
import { ingestFile } from "@entrepot/ingestor";
import { createKafka, JsonProducer, readTopicToEnd } from "@entrepot/kafka";
import { FORMATS, type Format, isFormat, parseMapping } from "@entrepot/normalize";
import { ConfigError, createLogger } from "@entrepot/runtime";
import { Feed, HEADERS, Severity, topicDefinitions, topicJsonSchemas, topicName } from "@entrepot/schemas";
import { Redis } from "ioredis";
import { AnalyzeUsageError, analyzeCommand } from "./analyze";
import { backtestCommand } from "./backtest";
import { cliConfig } from "./cliEnv";
import { DELIVERIES_USAGE, DeliveriesUsageError, deliveriesCommand, secretBoxFromEnv, silencesCommand } from "./deliveries";
import { runDemo } from "./demo";
import { GenerateUsageError, generateCommand } from "./generate";
import { infraCommand } from "./infraScripts";
import { offlineNormalize } from "./offlineNormalize";
import {
  createTopics,
  formatReconciliation,
  ingest,
  metricsDelta,
  type NormalizerMetrics,
  reconcile,
  scrapeNormalizerMetrics,
  waitNormalized,
} from "./pipelineRun";
import { progressPrinter } from "./progress";
import { isServiceName, type RunningService, SERVICES, spawnService, stopServices } from "./serviceProcesses";

const repoRoot = resolve(import.meta.dirname, "../../..");

const USAGE = `entrepot <command>

  infra up|down|status                 local Kafka (KRaft) and Redis from infra/scripts
  topics create                        create every topic (idempotent) under ENTREPOT_TOPIC_PREFIX
  topics list                          the topics with partitions and cleanup policy
  ingest <file> --feed revenue|customs publish a feed file to the raw topic; prints the reconciliation
         [--format F] [--mapping m.json]  read the file as layout F / through a mapping (default: detected)
         [--wait [--timeout s] [--normalizer-metrics URL]]  wait for the normalizer, print the cross-stage
                                       reconciliation (duplicates from the normalizer's /metrics when given)
  normalize <file> --out clean.jsonl [--rejects rejects.jsonl] [--feed revenue|customs]
            [--format F] [--mapping m.json]   normalize a file offline (no Kafka/Redis); prints the reconciliation
  analyze <files...> [--rules r.yaml] [--json]   normalize + detect offline: share tables and alerts
          [--html report.html] [--shares out.csv]   (--json: one alert per line; --html: a self-contained
                                       report with charts, readable offline; --shares: the shares as CSV)
  generate --seed N --out dir [--companies N] [--quarters N]   synthetic revenue + customs feeds with labelled
                                       anomalies: revenue.csv, customs.csv, labels.json (same seed, same bytes)
  backtest [--seed N] [--companies N] [--quarters N] [--rules r.yaml] [--out report.md]   generate, analyze, score:
                                       precision, recall, F1, delay per anomaly type (Markdown)
  detector rebuild [--rules r.yaml]    rebuild detector state from the compacted topics (replay: notifies nobody)
  run <service>|all                    run ${SERVICES.join(", ")} (or all) in the foreground
  demo [--file f.csv] [--customs c.csv | --no-customs]   the whole pipeline on the sample revenue and
       [--keep-running]                customs files, end to end (--keep-running: then serve the dashboard
                                       with the services up, until Ctrl-C)
  subscriptions add --url U [--secret whsec_...] [--company C] [--region R] [--rule X]
                    [--min-severity info|warning|critical] [--json]
  subscriptions list [--json]
  subscriptions rm <id>
  subscriptions rotate <id> [--grace-hours 24]   new signing secret (shown once); the old one signs too until then
${DELIVERIES_USAGE}
  dlq show [--limit N] [--json]        the latest dead letters on rejects.v1
  schemas export [--out dir]           JSON Schema of every topic's messages (the consumers' contract)

Environment: KAFKA_BROKERS (default 127.0.0.1:9092), REDIS_URL (default redis://127.0.0.1:6379),
ENTREPOT_TOPIC_PREFIX (default empty), LOG_LEVEL (default info).`;

class UsageError extends Error {}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === "") throw new UsageError(`missing ${what}`);
  return value;
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (!command || command === "help" || command === "--help") {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === "infra") {
    if (sub !== "up" && sub !== "down" && sub !== "status") throw new UsageError("infra needs up, down or status");
    return infraCommand(repoRoot, sub);
  }
  if (command === "normalize") {
    const { values, positionals } = parseArgs({
      args: [sub ?? "", ...rest],
      options: {
        out: { type: "string" },
        rejects: { type: "string" },
        feed: { type: "string" },
        format: { type: "string" },
        mapping: { type: "string" },
      },
      allowPositionals: true,
    });
    const file = resolve(need(positionals[0], "<file>"));
    const out = resolve(need(values.out, "--out clean.jsonl"));
    const feed = values.feed === undefined ? undefined : Feed.safeParse(values.feed);
    if (feed && !feed.success) throw new UsageError("--feed must be revenue or customs");
    if (values.format !== undefined && (!isFormat(values.format) || values.format === "mapping")) {
      throw new UsageError(
        `--format must be one of ${FORMATS.filter((f) => f !== "mapping").join(", ")} (use --mapping for other layouts)`,
      );
    }
    const report = await offlineNormalize({
      file,
      out,
      rejects: resolve(values.rejects ?? out.replace(/(\.jsonl)?$/, ".rejects.jsonl")),
      ...(feed?.success ? { feed: feed.data } : {}),
      ...(values.format ? { format: values.format as Exclude<Format, "mapping"> } : {}),
      ...(values.mapping ? { mapping: resolve(values.mapping) } : {}),
    });
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  const config = cliConfig();
  const logger = createLogger({ name: "cli", level: config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL });
  const prefix = config.ENTREPOT_TOPIC_PREFIX;
  const print = (line: string) => process.stdout.write(`${line}\n`);

  switch (command) {
    case "topics": {
      if (sub === "create") {
        const created = await createTopics(config.KAFKA_BROKERS, prefix, logger);
        print(created.length ? `created: ${created.join(", ")}` : "all topics exist");
        return 0;
      }
      if (sub === "list") {
        for (const t of topicDefinitions(prefix))
          print(`${t.name.padEnd(40)} partitions=${t.partitions} cleanup=${t.cleanupPolicy}  ${t.description}`);
        return 0;
      }
      throw new UsageError("topics needs create or list");
    }
    case "ingest": {
      const { values, positionals } = parseArgs({
        args: [sub ?? "", ...rest],
        options: {
          feed: { type: "string" },
          format: { type: "string" },
          mapping: { type: "string" },
          wait: { type: "boolean" },
          timeout: { type: "string", default: "300" },
          "normalizer-metrics": { type: "string" },
        },
        allowPositionals: true,
      });
      const file = resolve(need(positionals[0], "<file>"));
      const timeoutS = Number(values.timeout);
      if (!(timeoutS > 0)) throw new UsageError("--timeout must be a number of seconds");
      const metricsUrl = values["normalizer-metrics"];
      const metricsBefore: NormalizerMetrics | undefined = metricsUrl ? await scrapeNormalizerMetrics(metricsUrl) : undefined;
      const feed = Feed.safeParse(values.feed);
      const layout = values.format !== undefined || values.mapping !== undefined;
      if (!feed.success && !(layout && values.feed === undefined)) throw new UsageError("--feed must be revenue or customs");
      if (values.format !== undefined && (!isFormat(values.format) || values.format === "mapping")) {
        throw new UsageError(
          `--format must be one of ${FORMATS.filter((f) => f !== "mapping").join(", ")} (use --mapping for other layouts)`,
        );
      }
      const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-cli", logger });
      await createTopics(config.KAFKA_BROKERS, prefix, logger);
      const onProgress = progressPrinter(statSync(file).size);
      const report = !layout
        ? await ingest(kafka, prefix, file, feed.data as Feed, onProgress)
        : await (async () => {
            // --format / --mapping: the ingestor reads the layout given instead of detecting it
            const producer = new JsonProducer(kafka);
            await producer.start();
            try {
              return await ingestFile({
                producer,
                topicPrefix: prefix,
                file,
                onProgress,
                ...(feed.success ? { feed: feed.data } : {}),
                ...(values.format ? { format: values.format as Exclude<Format, "mapping"> } : {}),
                ...(values.mapping ? { mapping: parseMapping(JSON.parse(readFileSync(resolve(values.mapping), "utf8"))) } : {}),
              });
            } finally {
              await producer.close();
            }
          })();
      onProgress.finish(report);
      const reasons = Object.entries(report.byReason)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");
      print(
        `ingest run ${report.ingestRun}: read ${report.read} = published ${report.published} + rejected ${report.rejected}${reasons ? ` (${reasons})` : ""}` +
          `; published revenue ${report.publishedByFeed.revenue}, customs ${report.publishedByFeed.customs}; ${(report.bytesRead / 1e6).toFixed(1)} of ${(report.bytes / 1e6).toFixed(1)} MB read`,
      );
      if (!values.wait) return 0;
      await waitNormalized(kafka, prefix, timeoutS * 1000);
      const rec = await reconcile(kafka, prefix, report, {
        ...(metricsUrl && metricsBefore ? { normalizerDelta: metricsDelta(metricsBefore, await scrapeNormalizerMetrics(metricsUrl)) } : {}),
      });
      for (const line of formatReconciliation(rec).split("\n")) print(line);
      return rec.balanced ? 0 : 1;
    }
    case "run": {
      // the api needs its keys configured (ENTREPOT_API_KEY_HASHES, ENTREPOT_SECRET_KEY); `all` includes it only then
      const withApi = Boolean(process.env.ENTREPOT_API_KEY_HASHES);
      const names = sub === "all" ? SERVICES.filter((s) => s !== "api" || withApi) : [need(sub, "<service>|all")];
      if (sub === "all" && !withApi) process.stderr.write("entrepot: not starting api (ENTREPOT_API_KEY_HASHES is not set)\n");
      const running: RunningService[] = [];
      for (const name of names) {
        if (!isServiceName(name)) throw new UsageError(`unknown service "${name}"; expected one of ${SERVICES.join(", ")} or all`);
        // each service gets its own health port when several share one machine
        const env = names.length > 1 ? { ...process.env, HEALTH_PORT: process.env.HEALTH_PORT ?? "0" } : process.env;
        running.push(await spawnService(repoRoot, name, { env }));
      }
      const stop = () => void stopServices(running);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      const codes = await Promise.all(running.map((r) => r.exited));
      return codes.every((c) => c === 0) ? 0 : 1;
    }
    case "demo": {
      const { values } = parseArgs({
        args: [sub ?? "", ...rest].filter(Boolean),
        options: {
          file: { type: "string" },
          customs: { type: "string" },
          "no-customs": { type: "boolean" },
          "keep-running": { type: "boolean" },
        },
      });
      return runDemo({
        repoRoot,
        brokers: config.KAFKA_BROKERS,
        redisUrl: config.REDIS_URL,
        logger,
        manageInfra: !process.env.KAFKA_BROKERS && !process.env.REDIS_URL,
        print,
        keepRunning: values["keep-running"] === true,
        ...(values.file ? { file: resolve(values.file) } : {}),
        ...(values["no-customs"] ? { customsFile: null } : values.customs ? { customsFile: resolve(values.customs) } : {}),
      });
    }
    case "schemas": {
      if (sub !== "export") throw new UsageError("schemas needs export");
      const { values } = parseArgs({ args: rest, options: { out: { type: "string" } } });
      const schemas = topicJsonSchemas();
      if (!values.out) {
        print(JSON.stringify(schemas, null, 2));
        return 0;
      }
      mkdirSync(values.out, { recursive: true });
      for (const [topic, schema] of Object.entries(schemas))
        writeFileSync(resolve(values.out, `${topic}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
      print(`wrote ${Object.keys(schemas).length} JSON Schemas to ${values.out}`);
      return 0;
    }
    case "subscriptions":
      return subscriptions(sub, rest, config.REDIS_URL, prefix, print);
    case "generate":
    case "backtest":
      try {
        const args = [sub ?? "", ...rest].filter(Boolean);
        return command === "generate" ? generateCommand(args, print) : await backtestCommand(args, print);
      } catch (err) {
        if (err instanceof GenerateUsageError) throw new UsageError(err.message);
        throw err;
      }
    case "analyze":
      try {
        return await analyzeCommand([sub ?? "", ...rest].filter(Boolean), print);
      } catch (err) {
        if (err instanceof AnalyzeUsageError) throw new UsageError(err.message);
        throw err;
      }
    case "detector": {
      if (sub !== "rebuild") throw new UsageError("detector needs rebuild");
      const { loadRulesFile, rebuildDetectorState } = await import("@entrepot/detector");
      const { values } = parseArgs({ args: rest, options: { rules: { type: "string" } } });
      const rules = loadRulesFile(values.rules ? resolve(values.rules) : undefined);
      await createTopics(config.KAFKA_BROKERS, prefix, logger);
      const redis = new Redis(config.REDIS_URL);
      try {
        const r = await rebuildDetectorState({
          kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-cli", logger }),
          redis,
          topicPrefix: prefix,
          logger,
          rules,
        });
        print(
          `detector state rebuilt: ${r.records} clean records (${r.invalid} invalid), ${r.companies} companies, ` +
            `${r.publishedAlerts} published alerts, ${r.recomputed} recomputed without notifying`,
        );
        return 0;
      } finally {
        redis.disconnect();
      }
    }
    case "dlq": {
      if (sub !== "show") throw new UsageError("dlq needs show");
      const { values } = parseArgs({ args: rest, options: { limit: { type: "string", default: "20" }, json: { type: "boolean" } } });
      const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "entrepot-cli", logger });
      const all = await readTopicToEnd(kafka, topicName(prefix, "rejects"));
      const shown = all.slice(-Number(values.limit));
      for (const m of shown) {
        if (values.json) print(m.value ?? "null");
        else {
          const r = JSON.parse(m.value ?? "{}") as {
            stage?: string;
            reason?: string;
            message?: string;
            provenance?: { file?: string; line?: number };
          };
          print(
            `${m.headers[HEADERS.dlqStage] ?? r.stage} ${r.reason} ${r.provenance?.file ?? "?"}:${r.provenance?.line ?? "?"}  ${r.message}`,
          );
        }
      }
      print(`${shown.length} of ${all.length} dead letters on ${topicName(prefix, "rejects")}`);
      return 0;
    }
    case "deliveries":
      return deliveriesCommand(sub, rest, config.REDIS_URL, prefix, print);
    case "silences":
      return silencesCommand(sub, rest, config.REDIS_URL, prefix, print);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function subscriptions(
  sub: string | undefined,
  args: string[],
  redisUrl: string,
  prefix: string,
  print: (l: string) => void,
): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  await redis.connect();
  const store = new SubscriptionStore(redis, prefix, secretBoxFromEnv());
  try {
    if (sub === "add") {
      const { values } = parseArgs({
        args,
        options: {
          url: { type: "string" },
          secret: { type: "string" },
          company: { type: "string", multiple: true },
          region: { type: "string", multiple: true },
          rule: { type: "string", multiple: true },
          "min-severity": { type: "string" },
          channel: { type: "string" },
          json: { type: "boolean" },
        },
      });
      const severity = Severity.safeParse(values["min-severity"] ?? "info");
      if (!severity.success) throw new UsageError("--min-severity must be info, warning or critical");
      const channel = values.channel ?? "webhook";
      if (channel !== "webhook" && channel !== "slack") throw new UsageError("--channel must be webhook or slack");
      const created = await store.add({
        url: need(values.url, "--url"),
        channel,
        ...(values.secret ? { secret: values.secret } : {}),
        filters: { companies: values.company ?? [], regions: values.region ?? [], rules: values.rule ?? [], minSeverity: severity.data },
      });
      if (values.json) print(JSON.stringify(created, null, 2));
      else print(`created ${created.id} -> ${created.url}\nsecret (shown once): ${created.secret}`);
      return 0;
    }
    if (sub === "list") {
      const { values } = parseArgs({ args, options: { json: { type: "boolean" } } });
      const subs = (await store.list()).map(publicSubscription);
      if (values.json) print(JSON.stringify(subs, null, 2));
      else for (const s of subs) print(`${s.id} ${s.enabled ? "enabled " : "disabled"} ${s.url} ${JSON.stringify(s.filters)}`);
      return 0;
    }
    if (sub === "rm") {
      const id = need(args[0], "<id>");
      if (!(await store.remove(id))) {
        process.stderr.write(`no subscription ${id}\n`);
        return 1;
      }
      print(`removed ${id}`);
      return 0;
    }
    if (sub === "rotate") {
      const { values, positionals } = parseArgs({ args, options: { "grace-hours": { type: "string" } }, allowPositionals: true });
      const id = need(positionals[0], "<id>");
      const graceHours = Number(values["grace-hours"] ?? "24");
      if (!Number.isFinite(graceHours) || graceHours < 0) throw new UsageError("--grace-hours must be a number >= 0");
      const rotated = await store.rotateSecret(id, { graceMs: graceHours * 3_600_000 });
      if (!rotated) {
        process.stderr.write(`no subscription ${id}\n`);
        return 1;
      }
      print(`rotated ${id}\nsecret (shown once): ${rotated.secret}\nprevious secret signs too until ${rotated.previousExpiresAt}`);
      return 0;
    }
    throw new UsageError("subscriptions needs add, list, rm or rotate");
  } finally {
    redis.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof DeliveriesUsageError) {
      process.stderr.write(`entrepot: ${err.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (err instanceof ConfigError || (err instanceof Error && err.name === "ZodError")) {
      process.stderr.write(`entrepot: ${(err as Error).message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`entrepot: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
