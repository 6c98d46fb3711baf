import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { rawRecordOf, readFeed } from "@entrepot/feeds";
import { rawMessage } from "@entrepot/ingest";
import {
  availableKafkaClients,
  COMPRESSIONS_OF,
  createKafka,
  deleteTopics,
  ensureTopics,
  JsonProducer,
  type KafkaClientName,
  type KafkaCompression,
  readTopicToEnd,
} from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import { HEADERS } from "@entrepot/schemas";
import { repoRoot, uniquePrefix } from "@entrepot/testkit";
import { writeCustoms } from "./customsFile";
import type { BenchContext, BenchResult } from "./run";

const ROWS = Number(process.env.BENCH_COMPRESSION_ROWS ?? 200_000);
/** messages per `send`: what the ingest sends per acknowledged batch */
const BATCH = 1000;
/** where the project's own broker keeps its partitions (infra/scripts/kafka.sh); a broker elsewhere: no disk figure */
const LOG_DIR = resolve(process.env.ENTREPOT_INFRA_DIR ?? resolve(repoRoot, "infra/.run"), "kafka/kraft");

const progress = (text: string) => process.stderr.write(`[bench] compression: ${text}\n`);

/** bytes of a topic's log segments on the local broker, undefined when its directories are not here */
function topicBytes(topic: string): number | undefined {
  if (!existsSync(LOG_DIR)) return undefined;
  const dirs = readdirSync(LOG_DIR).filter((d) => d.startsWith(`${topic}-`));
  if (dirs.length === 0) return undefined;
  let bytes = 0;
  for (const d of dirs) for (const f of readdirSync(join(LOG_DIR, d))) if (f.endsWith(".log")) bytes += statSync(join(LOG_DIR, d, f)).size;
  return bytes;
}

/**
 * Compression of produced batches (ENTREPOT_KAFKA_COMPRESSION), per client: the ingest's raw
 * customs envelopes (keyed, idempotent, acks=all, 1 000 a send) produced to a 3-partition topic
 * with each compression each client has; messages/s, CPU of this process per 1 000 messages, bytes
 * the broker stores per message, and whether kafkajs (readTopicToEnd, the operator tools) reads
 * the topic back. One host: the network costs nothing here, so this shows the CPU price and the
 * bytes saved, not a network-bound gain.
 */
export default async function run(ctx: BenchContext): Promise<BenchResult> {
  const brokers = ctx.kafkaBrokers.split(",");
  const logger = createLogger({ name: "bench", level: "warn" });
  const tmp = mkdtempSync(join(tmpdir(), "entrepot-bench-compression-"));
  const reader = createKafka({ brokers, clientId: "bench-compression-reader", logger, client: "kafkajs" });
  const figures: Record<string, number | string> = {};
  const created: string[] = [];
  try {
    const file = join(tmp, "customs.csv");
    await writeCustoms(file, { rows: ROWS });
    const origin = { source: "customs.csv", file: "customs.csv", ingestRun: "bench-compression" };
    const headers = { [HEADERS.schemaVersion]: "1", [HEADERS.ingestRun]: origin.ingestRun };
    const messages: { key: string; value: unknown; headers: Record<string, string> }[] = [];
    for await (const row of readFeed(file, { feed: "customs" }))
      if (row.kind === "record") {
        const m = rawMessage(rawRecordOf(row, origin), headers);
        messages.push({ key: m.key, value: m.value, headers: m.headers ?? {} });
      }
    figures.messages = messages.length;
    const cases: [KafkaClientName, KafkaCompression][] = availableKafkaClients().flatMap((client) =>
      COMPRESSIONS_OF[client].filter((c) => c !== "snappy").map((c): [KafkaClientName, KafkaCompression] => [client, c]),
    );
    for (const [client, compression] of cases) {
      const topic = `${uniquePrefix("bench-comp")}customs.raw.v1`;
      created.push(topic);
      const label = `${client}, ${compression}`;
      let producer: JsonProducer;
      try {
        const kafka = createKafka({ brokers, clientId: `bench-compression-${client}`, logger, client, compression });
        await ensureTopics(kafka, [{ name: topic, partitions: 3, cleanupPolicy: "delete" }]);
        producer = new JsonProducer(kafka);
        await producer.start();
      } catch (err) {
        // e.g. a librdkafka built without zstd
        figures[`${label}: messages/s`] = `unavailable: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}`;
        progress(`${label}: ${figures[`${label}: messages/s`]}`);
        continue;
      }
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < messages.length; i += BATCH)
        await producer.send(messages.slice(i, i + BATCH).map((m) => ({ topic, key: m.key, value: m.value, headers: m.headers })));
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      await producer.close();
      const bytes = topicBytes(topic);
      let readBack: string;
      try {
        const back = await readTopicToEnd(reader, topic, 60_000);
        readBack = back.length === messages.length ? "yes" : `${back.length} of ${messages.length}`;
      } catch (err) {
        readBack = `no: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}`;
      }
      figures[`${label}: messages/s`] = Math.round(messages.length / seconds);
      figures[`${label}: CPU ms per 1000 messages (this process)`] = Number(
        ((cpu.user + cpu.system) / 1000 / (messages.length / 1000)).toFixed(1),
      );
      figures[`${label}: bytes stored per message`] = bytes === undefined ? "n/a (broker not local)" : Math.round(bytes / messages.length);
      figures[`${label}: kafkajs reads it back`] = readBack;
      progress(
        `${label}: ${figures[`${label}: messages/s`]} msg/s, ${figures[`${label}: bytes stored per message`]} B/msg, read back: ${readBack}`,
      );
    }
    return {
      name: "Compression of produced batches, per client (compression.bench.ts)",
      figures,
      notes:
        `BENCH_COMPRESSION_ROWS=${ROWS}: the ingest's raw customs envelopes (rawMessage), keyed, idempotent, acks=all, ${BATCH} per send, ` +
        "one 3-partition topic per case, one after the other. Bytes stored: the topic's log segments on the local broker after the run. " +
        "CPU: this process only (the broker's decompression for validation is not counted).",
    };
  } finally {
    await deleteTopics(reader, created).catch((err: unknown) => progress(`deleting topics: ${String(err)}`));
    rmSync(tmp, { recursive: true, force: true });
  }
}
