import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTopics, ingest, type RunningService, spawnService, stopServices, waitReady } from "@entrepot/cli";
import { consumerLag, createKafka, deleteTopics, type Kafka } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { consumerGroupId, HEADERS, topicDefinitions, topicName } from "@entrepot/schemas";
import { repoRoot, uniquePrefix } from "@entrepot/testkit";
import { writeCustoms } from "./customsFile";
import { procCpuSeconds, procMemoryMB } from "./processStats";
import { deleteRedisKeys } from "./benchRedis";
import type { BenchContext, BenchResult } from "./run";

const ROWS = Number(process.env.BENCH_THROUGHPUT_ROWS ?? 300_000);

/** kcat's producer settings for the baselines: what JsonProducer promises (idempotent, acks=all) */
const KCAT_PRODUCER = ["-X", "enable.idempotence=true", "-X", "acks=all"];

const seconds = (t0: number) => (performance.now() - t0) / 1000;
const progress = (text: string) => process.stderr.write(`[bench] throughput: ${text}\n`);

function kcat(args: readonly string[]): string {
  return execFileSync("kcat", [...args], { encoding: "utf8", maxBuffer: 1024 * 2 ** 20, stdio: ["ignore", "pipe", "pipe"] });
}

/** until the service's group has consumed the topics; fails when the service exits first */
async function waitConsumed(
  kafka: Kafka,
  service: RunningService,
  group: string,
  topics: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await consumerLag(kafka, group, topics)) > 0) {
    if (service.child.exitCode !== null)
      throw new Error(`${service.name} exited with code ${service.child.exitCode} before consuming everything`);
    if (Date.now() > deadline) throw new Error(`${group} still behind after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Throughput per stage against kcat (librdkafka) doing the same Kafka work in the same run:
 * - ingest: a generated customs CSV of BENCH_THROUGHPUT_ROWS rows -> customs.raw.v1 (the CLI's
 *   path, acknowledged batches) vs `kcat -P` producing the very envelopes the ingest published
 *   (dumped from the raw topic, keyed, idempotent, acks=all);
 * - normalizer: one normalizer process, raw -> clean + rejects (from its group being ready until
 *   its lag is 0) vs `kcat -C | kcat -P`, a consume -> produce pass-through of the same raw topic.
 */
export default async function run(ctx: BenchContext): Promise<BenchResult> {
  try {
    execFileSync("kcat", ["-V"], { stdio: "ignore" });
  } catch {
    throw new Error("kcat is needed for the baselines of this benchmark: apt-get install -y kcat");
  }
  const tmp = mkdtempSync(join(tmpdir(), "entrepot-bench-throughput-"));
  const brokers = ctx.kafkaBrokers.split(",");
  const prefix = uniquePrefix("bench-tp");
  const copyPrefix = uniquePrefix("bench-tp-kcat");
  const logger = createLogger({ name: "bench", level: "warn" });
  const kafka = createKafka({ brokers, clientId: "bench-throughput", logger });
  const services: RunningService[] = [];
  try {
    const file = join(tmp, "customs.csv");
    const rows = await writeCustoms(file, { rows: ROWS });
    await createTopics(brokers, prefix, logger);
    await createTopics(brokers, copyPrefix, logger);
    const raw = topicName(prefix, "customsRaw");

    // ingest
    let t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const report = await ingest(kafka, prefix, file, "customs");
    const ingestS = seconds(t0);
    const ingestCpu = process.cpuUsage(cpu0);
    const ingestRate = report.read / ingestS;
    progress(`ingest ${Math.round(ingestRate)} rows/s`);

    // kcat producing the same envelopes
    const envelopes = join(tmp, "envelopes.tsv");
    writeFileSync(envelopes, kcat(["-C", "-b", ctx.kafkaBrokers, "-t", raw, "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"]));
    const headers = ["-H", `${HEADERS.schemaVersion}=1`, "-H", `${HEADERS.ingestRun}=${report.ingestRun}`];
    t0 = performance.now();
    kcat([
      "-P",
      "-b",
      ctx.kafkaBrokers,
      "-t",
      topicName(copyPrefix, "customsRaw"),
      "-K",
      "\t",
      ...headers,
      ...KCAT_PRODUCER,
      "-l",
      envelopes,
    ]);
    const kcatProduceRate = report.published / seconds(t0);
    progress(`kcat -P ${Math.round(kcatProduceRate)} msg/s`);

    // kcat consume -> produce pass-through of the raw topic
    t0 = performance.now();
    execFileSync(
      "bash",
      [
        "-o",
        "pipefail",
        "-c",
        `kcat -C -b "$B" -t "$SRC" -o beginning -e -q -f '%k\\t%s\\n' | kcat -P -b "$B" -t "$DST" -K '\\t' ${KCAT_PRODUCER.join(" ")}`,
      ],
      { env: { ...process.env, B: ctx.kafkaBrokers, SRC: raw, DST: topicName(copyPrefix, "customsClean") }, stdio: "ignore" },
    );
    const kcatPassRate = report.published / seconds(t0);
    progress(`kcat pass-through ${Math.round(kcatPassRate)} msg/s`);

    // normalizer
    const normalizer = await spawnService(repoRoot, "normalizer", {
      env: {
        ...process.env,
        KAFKA_BROKERS: ctx.kafkaBrokers,
        REDIS_URL: ctx.redisUrl,
        ENTREPOT_TOPIC_PREFIX: prefix,
        LOG_LEVEL: "warn",
        // node flags for the service alone (e.g. a heap limit), not for the benchmark process
        ...(process.env.BENCH_SERVICE_NODE_OPTIONS !== undefined ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {}),
      },
      logFile: join(tmp, "normalizer.log"),
    });
    services.push(normalizer);
    await waitReady(normalizer, 120_000);
    const cpuAtReady = procCpuSeconds(normalizer.child.pid);
    t0 = performance.now();
    await waitConsumed(kafka, normalizer, consumerGroupId(prefix, "normalizer"), [raw], 30 * 60_000);
    const normalizeS = seconds(t0);
    const normalizeRate = report.published / normalizeS;
    const normalizerRss = procMemoryMB(normalizer.child.pid);
    const normalizerCpu = procCpuSeconds(normalizer.child.pid) - cpuAtReady;
    progress(`normalizer ${Math.round(normalizeRate)} records/s`);

    return {
      name: "Throughput per stage against kcat (librdkafka), same run",
      figures: {
        "customs CSV rows (generated)": rows,
        "ingest: read = published + rejected": `${report.read} = ${report.published} + ${report.rejected}`,
        "ingest: rows/s (CSV -> customs.raw.v1, acked)": Math.round(ingestRate),
        "ingest: CPU ms (user + system) per 1000 rows": Number(
          ((ingestCpu.user + ingestCpu.system) / 1000 / (report.read / 1000)).toFixed(1),
        ),
        "kcat -P, the same envelopes (idempotent, acks=all): msg/s": Math.round(kcatProduceRate),
        "normalizer: records/s (raw -> clean + rejects, 1 process, after group join)": Math.round(normalizeRate),
        "kcat -C | kcat -P pass-through of the raw topic: msg/s": Math.round(kcatPassRate),
        "normalizer: peak RSS (VmHWM, MB)": normalizerRss,
        // CPU time per record moves far less than wall time on a shared machine: the figure to compare code changes by
        "normalizer: CPU ms (user + system) per 1000 records": Number(((1000 * 1000 * normalizerCpu) / report.published).toFixed(1)),
      },
      ratios: {
        "ingest / kcat produce": Number((ingestRate / kcatProduceRate).toFixed(3)),
        "normalizer / kcat pass-through": Number((normalizeRate / kcatPassRate).toFixed(3)),
      },
      notes:
        `BENCH_THROUGHPUT_ROWS=${ROWS}. The broker, the benchmark and kcat share the machine's cores; compare ratios within one run. ` +
        "kcat reads its envelopes from a file (no CSV parsing, no validation); the pass-through does no decoding or Redis work.",
    };
  } finally {
    await stopServices(services);
    rmSync(tmp, { recursive: true, force: true });
    // the normalizer's revision gate: one entry per fact of the file
    await deleteRedisKeys(ctx.redisUrl, prefix);
    await deleteTopics(
      kafka,
      [prefix, copyPrefix].flatMap((p) => topicDefinitions(p).map((t) => t.name)),
    );
  }
}
