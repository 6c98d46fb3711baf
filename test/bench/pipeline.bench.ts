import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTopics, ingest, spawnService, stopServices, waitReady } from "@entrepot/cli";
import { consumerLag, createKafka, JsonProducer, type Kafka, type OutgoingMessage, readTopicToEnd } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { topicName } from "@entrepot/schemas";
import { repoRoot, uniquePrefix } from "@entrepot/testkit";
import { deleteRedisKeys } from "./benchRedis";
import type { BenchContext, BenchResult } from "./run";

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const REGIONS = ["United States", "Taiwan", "Singapore", "China (including Hong Kong)", "Other countries"];

/** A canonical revenue CSV: ROWS rows over many synthetic companies, 1% malformed. */
function writeFeed(path: string): void {
  const out: string[] = ["company,fiscal_period,region,revenue,scale,basis,reported_at"];
  for (let i = 0; i < ROWS; i++) {
    const company = `C${Math.floor(i / 60)}`;
    const q = Math.floor((i % 60) / 5);
    const fy = 2020 + Math.floor(q / 4);
    const revenue = i % 100 === 99 ? "n/a?" : ((i * 7919) % 10_000).toFixed(1);
    out.push(`${company},FY${fy}-Q${(q % 4) + 1},${REGIONS[i % 5]},${revenue},millions,billing,2025-01-01`);
  }
  writeFileSync(path, `${out.join("\n")}\n`);
}

/**
 * The raw speed of the same broker, for comparison in the same run: (a) our producer path alone
 * (the raw messages the ingest published, re-sent in batches of 500 through JsonProducer: JSON
 * encoding, kafkajs, acks=all; no file reading or parsing), (b) Kafka's own Java producer
 * (kafka-producer-perf-test from the jars in infra/kafka, acks=all, records of the same mean size).
 */
async function rawKafka(kafka: Kafka, brokers: string, sourceTopic: string, targetPrefix: string, logger: ReturnType<typeof createLogger>) {
  await createTopics(brokers.split(","), targetPrefix, logger);
  const target = topicName(targetPrefix, "revenueRaw");
  const messages: OutgoingMessage[] = (await readTopicToEnd(kafka, sourceTopic)).map((m) => ({
    topic: target,
    key: m.key ?? "",
    value: JSON.parse(m.value ?? "null") as unknown,
    headers: m.headers,
  }));
  const meanBytes = Math.round(messages.reduce((n, m) => n + JSON.stringify(m.value).length, 0) / Math.max(1, messages.length));
  const producer = new JsonProducer(kafka);
  await producer.start();
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += 500) await producer.send(messages.slice(i, i + 500));
  const kafkajsMs = performance.now() - t0;
  await producer.close();
  const jars = join(repoRoot, "infra/kafka/.jars/*");
  const out = execFileSync(
    "java",
    [
      "-cp",
      jars,
      `-Dlog4j2.configurationFile=${join(repoRoot, "infra/kafka/log4j2.properties")}`,
      "org.apache.kafka.tools.ProducerPerformance",
      "--topic",
      target,
      "--num-records",
      String(messages.length),
      "--record-size",
      String(meanBytes),
      "--throughput",
      "-1",
      "--producer-props",
      `bootstrap.servers=${brokers}`,
      "acks=all",
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  // last line: "N records sent, R records/sec (M MB/sec), ..."
  const javaRate = Number(/([\d.]+) records\/sec/.exec(out.trim().split("\n").at(-1) ?? "")?.[1]);
  return { kafkajsRate: messages.length / (kafkajsMs / 1000), javaRate, meanBytes, count: messages.length };
}

/**
 * Ingest throughput (CSV -> revenue.raw.v1, acknowledged) and normalizer throughput (raw -> clean +
 * rejects, one normalizer process), with the ingesting process's peak RSS, against the raw speed
 * of the same broker (`rawKafka`).
 */
export default async function run(ctx: BenchContext): Promise<BenchResult> {
  const tmp = mkdtempSync(join(tmpdir(), "entrepot-bench-"));
  const file = join(tmp, "revenue.csv");
  writeFeed(file);
  const brokers = ctx.kafkaBrokers.split(",");
  const prefix = uniquePrefix("bench");
  const logger = createLogger({ name: "bench", level: "warn" });
  const kafka = createKafka({ brokers, clientId: "bench", logger });
  await createTopics(brokers, prefix, logger);

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const t0 = performance.now();
  const report = await ingest(kafka, prefix, file, "revenue");
  const ingestMs = performance.now() - t0;
  clearInterval(sampler);

  const normalizer = await spawnService(repoRoot, "normalizer", {
    env: { ...process.env, KAFKA_BROKERS: ctx.kafkaBrokers, REDIS_URL: ctx.redisUrl, ENTREPOT_TOPIC_PREFIX: prefix, LOG_LEVEL: "warn" },
    logFile: join(tmp, "normalizer.log"),
  });
  let normalizeMs = 0;
  try {
    const t1 = performance.now();
    await waitReady(normalizer, 60_000);
    const group = `${prefix}entrepot-normalizer`;
    while ((await consumerLag(kafka, group, [topicName(prefix, "revenueRaw")])) > 0) await new Promise((r) => setTimeout(r, 200));
    normalizeMs = performance.now() - t1;
  } finally {
    await stopServices([normalizer]);
    await deleteRedisKeys(ctx.redisUrl, prefix);
  }
  const raw = await rawKafka(kafka, ctx.kafkaBrokers, topicName(prefix, "revenueRaw"), uniquePrefix("bench-raw"), logger);
  const ingestRate = report.read / (ingestMs / 1000);
  const mb = statSync(file).size / 1e6;
  rmSync(tmp, { recursive: true, force: true });
  return {
    name: "Revenue pipeline throughput",
    figures: {
      "rows in file": report.read,
      "file size (MB)": mb.toFixed(1),
      "ingest: rows published + rejected": `${report.published} + ${report.rejected}`,
      "ingest: rows/s (CSV -> raw topic, acked)": Math.round(ingestRate),
      "ingest: peak RSS of ingesting process (MB)": Math.round(peakRss / 2 ** 20),
      "normalize: rows/s (raw -> clean + rejects, 1 process, incl. group join)": Math.round(report.published / (normalizeMs / 1000)),
      "raw Kafka, our producer path (JsonProducer, batches of 500, acks=all): messages/s": Math.round(raw.kafkajsRate),
      [`raw Kafka, Java producer (kafka-producer-perf-test, ${raw.meanBytes}-byte records, acks=all): messages/s`]: Math.round(
        raw.javaRate,
      ),
      "ingest / our producer path": (ingestRate / raw.kafkajsRate).toFixed(2),
      "ingest / Java producer": (ingestRate / raw.javaRate).toFixed(3),
    },
    notes:
      `BENCH_ROWS=${ROWS}; one Kafka broker and the benchmark share the machine's cores. The raw-Kafka figures send ` +
      `${raw.count} messages to a separate prefix after the ingest, in the same run: ratios compare like with like.`,
  };
}
