import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTopics, type RunningService, spawnService, stopServices, waitReady } from "@entrepot/cli";
import { DeliveryAdmin, SubscriptionStore } from "@entrepot/delivery";
import { DetectorState } from "@entrepot/detector";
import { rawMessage } from "@entrepot/ingest";
import { consumerLag, createKafka, deleteTopics, JsonProducer, type Kafka, scanTopic, TopicWriter } from "@entrepot/kafka";
import { createLogger } from "@entrepot/runtime";
import {
  Alert,
  type ConsumerGroup,
  consumerGroupId,
  HEADERS,
  Rejection,
  type TopicKey,
  topicDefinitions,
  topicName,
  topicsReadBy,
} from "@entrepot/schemas";
import { repoRoot, startReceiver, uniquePrefix, waitFor } from "@entrepot/testkit";
import { Redis } from "ioredis";
import { deleteRedisKeys } from "./benchRedis";
import { CleanVersions, type Distribution, distribution, formatDistribution, type KeepUp, keepUp, type LagSample } from "./latencyMeasures";
import { indexOfLine, latencyWorkload, rawRecordAt, WORKLOAD_FILES } from "./latencyWorkload";
import { procCpuSeconds, procMemoryMB } from "./processStats";
import type { BenchContext, BenchResult } from "./run";

const RATE = Number(process.env.BENCH_LATENCY_RATE ?? 5000);
const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 60);
/** the detector's ENTREPOT_SETTLE_MS; unset: the service's default (500 ms, services/detector/src/detectorEnv.ts) */
const SETTLE_MS = process.env.BENCH_LATENCY_SETTLE_MS;
/** companies the one webhook subscription asks for (spread over the stream's companies) */
const SUBSCRIBED = Number(process.env.BENCH_LATENCY_SUBSCRIBED ?? 24);
/** the producer wakes up this often and sends what the clock says is due */
const TICK_MS = 25;
const PIPELINE: readonly ConsumerGroup[] = ["normalizer", "detector", "notifier"];

const progress = (text: string) => process.stderr.write(`[bench] latency: ${text}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const ms = (n: number) => Math.round(n);

/** Every message of a topic, page by page (nothing kept but what `each` keeps). */
async function eachMessage(
  kafka: Kafka,
  prefix: string,
  key: TopicKey,
  each: (m: { key: string | null; value: string | null; timestamp: number }) => void,
): Promise<number> {
  const result = await scanTopic(
    kafka,
    topicName(prefix, key),
    { pageSize: 5000, maxBytesPerPartition: 4 * 2 ** 20, timeoutMs: 10 * 60_000 },
    (page) => {
      for (const m of page) each({ key: m.key, value: m.value, timestamp: Number(m.timestamp) });
      return true;
    },
  );
  return result.scanned;
}

/** Nothing in flight: every group's lag 0, no scope the detector still has to evaluate, no delivery job waiting. */
async function pipelineQuiet(kafka: Kafka, redis: Redis, prefix: string): Promise<boolean> {
  for (const group of PIPELINE)
    if ((await consumerLag(kafka, consumerGroupId(prefix, group), topicsReadBy(prefix, group))) > 0) return false;
  const state = new DetectorState(redis, prefix);
  if ((await state.dirty.list()).length > 0 || (await state.customsDirty.list()).length > 0) return false;
  const admin = new DeliveryAdmin(redis, prefix);
  try {
    const c = await admin.counts();
    return c.waiting + c.active + c.delayed === 0;
  } finally {
    await admin.close();
  }
}

/** A service's /metrics read at one moment: counters since its start, and gauges as they were. */
interface ServiceReading {
  batches: number;
  seconds: number;
  records: number;
  /** the detector's: scopes evaluated, their waits (count, sum of seconds) from first new fact to evaluation, scopes pending */
  evaluated: number;
  waits: number;
  waitSeconds: number;
  pending: number;
  /** V8 heap in use, V8 heap total, memory outside it held by JS objects (buffers): MB, at the time of reading */
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
}

/**
 * A service's /metrics: what its consumer handled so far (batches, seconds in them with the
 * commit, records consumed), the detector's evaluations, and the V8 heap.
 */
async function readService(service: RunningService): Promise<ServiceReading> {
  const text = await (await fetch(`http://127.0.0.1:${service.healthPort}/metrics`)).text();
  const sum = (metric: string) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
  return {
    batches: sum("entrepot_batch_duration_seconds_count"),
    seconds: sum("entrepot_batch_duration_seconds_sum"),
    records: sum("entrepot_records_in_total"),
    evaluated: sum("entrepot_detector_scopes_evaluated_total"),
    waits: sum("entrepot_detector_scope_wait_seconds_count"),
    waitSeconds: sum("entrepot_detector_scope_wait_seconds_sum"),
    pending: sum("entrepot_detector_pending_scopes"),
    heapUsedMB: Math.round(sum("nodejs_heap_size_used_bytes") / 2 ** 20),
    heapTotalMB: Math.round(sum("nodejs_heap_size_total_bytes") / 2 ** 20),
    externalMB: Math.round(sum("nodejs_external_memory_bytes") / 2 ** 20),
  };
}

/** `name count: p50 / p95 / p99 / max; ...` of latencies grouped by a name, names sorted */
const byGroup = (groups: ReadonlyMap<string, readonly number[]>) =>
  [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, values]) => `${name} ${values.length}: ${formatDistribution(distribution(values))}`)
    .join("; ");

const keepUpText = (k: KeepUp) =>
  `${k.maxInWindow} / ${k.atQuarters.join(", ")} / ${k.atWindowEnd} / ${k.secondsToZero === undefined ? "not reached" : k.secondsToZero.toFixed(1)}`;
const goal = (d: Distribution, limitMs: number) =>
  d.count === 0
    ? "not measured"
    : d.p99 < limitMs
      ? `met (p99 ${d.p99} ms)`
      : `missed: p99 ${d.p99} ms, ${(d.p99 / limitMs).toFixed(1)}x the goal`;

/**
 * End-to-end latency and keep-up at a steady rate (issue 13): normalizer, detector and notifier
 * as processes (as a supervisor runs them) on a unique prefix, one webhook subscription to a
 * local receiver; the benchmark produces raw revenue and customs records (latencyWorkload: the
 * synthetic feeds walking through time, broken rows, revisions) at BENCH_LATENCY_RATE records/s
 * for BENCH_LATENCY_SECONDS, in small batches scheduled against the clock, while it samples every
 * group's lag each second. Once the pipeline is quiet it reads the topics back and measures
 * raw -> clean, clean -> alert and alert -> webhook from Kafka timestamps (CreateTime, set by the
 * producing clients on this machine's clock) and the receiver's clock.
 */
export default async function run(ctx: BenchContext): Promise<BenchResult> {
  const brokers = ctx.kafkaBrokers.split(",");
  const prefix = uniquePrefix("bench-lat");
  const tmp = mkdtempSync(join(tmpdir(), "entrepot-bench-latency-"));
  const logger = createLogger({ name: "bench", level: "warn" });
  const kafka = createKafka({ brokers, clientId: "bench-latency", logger });
  const redis = new Redis(ctx.redisUrl);
  const receiver = await startReceiver();
  const producer = new JsonProducer(kafka);
  const services: RunningService[] = [];
  const ingestRun = `bench-latency-${Date.now()}`;
  let finished = false;
  try {
    const workload = latencyWorkload({ records: Math.round(RATE * SECONDS), seed: 13 });
    const total = workload.records.length;
    progress(
      `${total} records planned (${JSON.stringify(workload.counts)}), ${workload.companies.length} companies, ${workload.months} customs months`,
    );
    await createTopics(brokers, prefix, logger);
    const step = Math.max(1, Math.floor(workload.companies.length / SUBSCRIBED));
    const subscribed = workload.companies.filter((_, i) => i % step === 0).slice(0, SUBSCRIBED);
    await new SubscriptionStore(redis, prefix).add({ url: receiver.url, filters: { companies: subscribed } });

    const env = {
      ...process.env,
      KAFKA_BROKERS: ctx.kafkaBrokers,
      REDIS_URL: ctx.redisUrl,
      ENTREPOT_TOPIC_PREFIX: prefix,
      ENTREPOT_WEBHOOK_ALLOW: "127.0.0.1/32",
      LOG_LEVEL: "warn",
      HEALTH_PORT: "0",
      ...(SETTLE_MS !== undefined ? { ENTREPOT_SETTLE_MS: SETTLE_MS } : {}),
    };
    for (const name of PIPELINE) services.push(await spawnService(repoRoot, name, { env, logFile: join(tmp, `${name}.log`) }));
    await Promise.all(services.map((s) => waitReady(s, 120_000)));
    await producer.start();
    const writer = new TopicWriter(producer, prefix);
    const headers = { [HEADERS.schemaVersion]: "1", [HEADERS.ingestRun]: ingestRun };
    progress(`services ready (${services.map((s) => `${s.name} pid ${s.child.pid}`).join(", ")}), producing`);

    // lag (and resident set) of every group, every second, from the window's start until the pipeline is quiet
    const wallStart = Date.now();
    const lagSamples = new Map<ConsumerGroup, LagSample[]>(PIPELINE.map((g) => [g, []]));
    const rssSamples = new Map<ConsumerGroup, number[]>(PIPELINE.map((g) => [g, []]));
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const started = Date.now();
        const at = (started - wallStart) / 1000;
        await Promise.all(
          PIPELINE.map(async (g, i) => {
            const lag = await consumerLag(kafka, consumerGroupId(prefix, g), topicsReadBy(prefix, g)).catch(() => Number.NaN);
            lagSamples.get(g)?.push({ at, lag });
            rssSamples.get(g)?.push(procMemoryMB(services[i]?.child.pid, "VmRSS"));
          }),
        );
        await sleep(started + 1000 - Date.now());
      }
    })();

    // the paced producer: every TICK_MS, what the clock says is due since the start (no drift; a slow send is caught up next tick)
    const cpuBefore = services.map((s) => procCpuSeconds(s.child.pid));
    const batchesBefore = await Promise.all(services.map(readService));
    const benchCpuBefore = process.cpuUsage();
    const t0 = performance.now();
    let sent = 0;
    let maxSlipMs = 0;
    while (sent < total) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) / 1000) * RATE));
      if (due > sent) {
        maxSlipMs = Math.max(maxSlipMs, now - t0 - (sent / RATE) * 1000);
        const batch = [];
        for (let i = sent; i < due; i++) {
          const raw = rawRecordAt(workload, i, ingestRun);
          // as the ingest publishes rows: a revision lands on the partition of the row it revises
          batch.push(rawMessage(raw, headers));
        }
        await writer.send(batch);
        sent = due;
      }
      const elapsed = performance.now() - t0;
      await sleep((Math.floor(elapsed / TICK_MS) + 1) * TICK_MS - elapsed);
    }
    const windowS = (performance.now() - t0) / 1000;
    const windowEnd = Date.now();
    const cpuWindow = services.map((s, i) => procCpuSeconds(s.child.pid) - (cpuBefore[i] ?? Number.NaN));
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const rssAtEnd = services.map((s) => procMemoryMB(s.child.pid, "VmRSS"));
    const batchesInWindow = (await Promise.all(services.map(readService))).map(
      // counters as the window's difference; the rest (pending scopes, heap) as read at its end
      (after, i): ServiceReading => ({
        ...after,
        batches: after.batches - (batchesBefore[i]?.batches ?? 0),
        seconds: after.seconds - (batchesBefore[i]?.seconds ?? 0),
        records: after.records - (batchesBefore[i]?.records ?? 0),
        evaluated: after.evaluated - (batchesBefore[i]?.evaluated ?? 0),
        waits: after.waits - (batchesBefore[i]?.waits ?? 0),
        waitSeconds: after.waitSeconds - (batchesBefore[i]?.waitSeconds ?? 0),
      }),
    );
    progress(`produced ${total} in ${windowS.toFixed(1)} s; waiting for the pipeline to be quiet`);

    // quiet twice in a row, a second apart (an evaluation may publish between two looks)
    let quietOnce = false;
    await waitFor(
      async () => {
        const quiet = await pipelineQuiet(kafka, redis, prefix);
        const twice = quiet && quietOnce;
        quietOnce = quiet;
        return twice;
      },
      { timeoutMs: 20 * 60_000, intervalMs: 1000, description: "the pipeline to be quiet after the producing window" },
    );
    const quietS = (Date.now() - wallStart) / 1000;
    sampling = false;
    await sampler;
    const peakRss = services.map((s) => procMemoryMB(s.child.pid, "VmHWM"));
    const exitCodes = await stopServices(services);
    services.length = 0;
    progress(`quiet ${quietS.toFixed(1)} s after the start; reading the topics back`);

    // raw -> clean: each clean record's raw record by its provenance line (a raw message's key is its fact's, not its line)
    const rawTs = new Float64Array(total).fill(Number.NaN);
    for (const feed of ["revenueRaw", "customsRaw"] as const)
      await eachMessage(kafka, prefix, feed, (m) => {
        const line = (JSON.parse(m.value ?? "{}") as { provenance?: { line?: number } }).provenance?.line;
        rawTs[indexOfLine(line ?? Number.NaN)] = m.timestamp;
      });
    const versions = new CleanVersions();
    const rawToClean: number[] = [];
    const matched = new Uint8Array(total);
    for (const feed of ["revenueClean", "customsClean"] as const)
      await eachMessage(kafka, prefix, feed, (m) => {
        if (m.key) versions.add(m.key, m.timestamp);
        const provenance = (JSON.parse(m.value ?? "{}") as { provenance?: { file?: string; line?: number } }).provenance;
        const index = indexOfLine(provenance?.line ?? Number.NaN);
        const produced = rawTs[index];
        if (!Object.values(WORKLOAD_FILES).includes(provenance?.file ?? "") || produced === undefined || Number.isNaN(produced)) return;
        matched[index] = 1;
        rawToClean.push(m.timestamp - produced);
      });
    const rejected = new Map<string, number>();
    await eachMessage(kafka, prefix, "rejects", (m) => {
      const r = Rejection.safeParse(JSON.parse(m.value ?? "{}"));
      const reason = r.success ? r.data.reason : "unreadable";
      rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
    });
    let validProduced = 0;
    let validMatched = 0;
    let invalidMatched = 0;
    workload.records.forEach((r, i) => {
      if (r.kind === "invalid") invalidMatched += matched[i] ?? 0;
      else {
        validProduced += 1;
        validMatched += matched[i] ?? 0;
      }
    });

    // clean -> alert: from the clean record that completed the evidence the alert cites, to the alert
    const alertTs = new Map<string, number>();
    const cleanToAlert: number[] = [];
    const cleanToAlertByRule = new Map<string, number[]>();
    // a first alert's evidence holds the record that completed it; an update's or retraction's may not (a revised
    // record of the history it was judged against, a late quarter that closes a gap), so theirs is an upper bound
    const cleanToAlertByStatus = new Map<string, number[]>();
    const severities = new Map<string, number>();
    let alertMessages = 0;
    let alertsInWindow = 0;
    await eachMessage(kafka, prefix, "alerts", (m) => {
      const a = Alert.parse(JSON.parse(m.value ?? "{}"));
      alertMessages += 1;
      if (m.timestamp <= windowEnd) alertsInWindow += 1;
      severities.set(a.severity, (severities.get(a.severity) ?? 0) + 1);
      const id = `${a.alertId}#${a.revision}`;
      if (!alertTs.has(id)) alertTs.set(id, m.timestamp);
      const completed = versions.evidenceCompletedAt(a.evidence, m.timestamp);
      if (completed === undefined) return;
      cleanToAlert.push(m.timestamp - completed);
      for (const [groups, key] of [
        [cleanToAlertByRule, a.rule],
        [cleanToAlertByStatus, a.status],
      ] as const) {
        const values = groups.get(key) ?? [];
        values.push(m.timestamp - completed);
        groups.set(key, values);
      }
    });

    // shares.v1: every composition the detector published, and how many distinct entity|period keys they cover
    const shareKeys = new Set<string>();
    const shareMessages = await eachMessage(kafka, prefix, "shares", (m) => shareKeys.add(m.key ?? ""));

    // alert -> webhook received (the receiver's clock), by alert id and revision; non-critical alerts wait out the inhibition hold
    const toWebhook = { critical: [] as number[], held: [] as number[] };
    for (const request of receiver.requests) {
      const a = Alert.parse((JSON.parse(request.body) as { data: unknown }).data);
      const at = alertTs.get(`${a.alertId}#${a.revision}`);
      if (at !== undefined) (a.severity === "critical" ? toWebhook.critical : toWebhook.held).push(request.receivedAt - at);
    }

    const rawClean = distribution(rawToClean);
    const cleanAlert = distribution(cleanToAlert);
    const keep = PIPELINE.map((g) => keepUp(lagSamples.get(g) ?? [], windowS));
    const figures: Record<string, number | string> = {
      "records produced (revenue + customs + invalid + revisions)": `${total} (${workload.counts.revenue} + ${workload.counts.customs} + ${workload.counts.invalid} + ${workload.counts.revision})`,
      "producing window (s)": Number(windowS.toFixed(1)),
      "achieved produce rate (records/s)": Math.round(total / windowS),
      "producer: most behind its schedule (ms)": ms(maxSlipMs),
      "raw -> clean: valid records with a clean record / produced valid": `${validMatched} / ${validProduced}`,
      "raw -> clean: broken records with a clean record (expected 0)": invalidMatched,
      "dead letters on rejects.v1 by reason": [...rejected].map(([r, n]) => `${r} ${n}`).join(", ") || "none",
      "raw -> clean latency, p50 / p95 / p99 / max (ms)": formatDistribution(rawClean),
      "goal raw -> clean p99 < 500 ms": goal(rawClean, 500),
      "alerts on alerts.v1 (messages; by severity)": `${alertMessages} (${[...severities].map(([s, n]) => `${s} ${n}`).join(", ")})`,
      "alerts published while the producer ran / after": `${alertsInWindow} / ${alertMessages - alertsInWindow}`,
      "clean -> alert: alerts measured": cleanAlert.count,
      "clean -> alert latency, p50 / p95 / p99 / max (ms)": formatDistribution(cleanAlert),
      "goal clean -> alert p99 < 1 s": goal(cleanAlert, 1000),
      "clean -> alert by rule: alerts, p50 / p95 / p99 / max (ms)": byGroup(cleanToAlertByRule),
      "clean -> alert by status (fired: the evidence holds the completing record; others: an upper bound), p50 / p95 / p99 / max (ms)":
        byGroup(cleanToAlertByStatus),
      "compositions on shares.v1 (messages / distinct entity|period keys)": `${shareMessages} / ${shareKeys.size}`,
      "webhooks received (subscription: companies)": `${receiver.requests.length} (${subscribed.length} companies)`,
      "alert -> webhook, critical (not held), p50 / p95 / p99 / max (ms)": formatDistribution(distribution(toWebhook.critical)),
      "alert -> webhook, warning/info (held 5 s), p50 / p95 / p99 / max (ms)": formatDistribution(distribution(toWebhook.held)),
      "pipeline quiet after the window (s)": Number((quietS - windowS).toFixed(1)),
    };
    PIPELINE.forEach((g, i) => {
      figures[`${g}: lag max in window / at 25, 50, 75, 100 % / after window / s to 0 after it`] = keepUpText(keep[i] as KeepUp);
      figures[`${g}: CPU in the window (% of one core)`] = Math.round((100 * (cpuWindow[i] ?? Number.NaN)) / windowS);
      const b = batchesInWindow[i] as ServiceReading;
      figures[`${g}: in the window: batches / records per batch / ms per batch (handler + commit) / in batches (% of window)`] =
        `${b.batches} / ${Math.round(b.records / b.batches)} / ${Math.round((1000 * b.seconds) / b.batches)} / ${Math.round((100 * b.seconds) / windowS)}`;
      figures[`${g}: at the end of the window: V8 heap used / heap total / external (MB)`] =
        `${b.heapUsedMB} / ${b.heapTotalMB} / ${b.externalMB}`;
      const rss = rssSamples.get(g) ?? [];
      figures[`${g}: RSS at 25, 50, 75, 100 % of the window / peak VmHWM (MB)`] =
        `${[0.25, 0.5, 0.75].map((q) => rss[Math.min(rss.length - 1, Math.floor(q * windowS))] ?? "?").join(", ")}, ${rssAtEnd[i]} / ${peakRss[i]}`;
      if (g === "detector")
        figures[
          "detector: in the window: scopes evaluated (per s) / mean wait from first new fact to evaluation (s) / scopes pending at the end"
        ] = `${b.evaluated} (${Math.round(b.evaluated / windowS)}) / ${(b.waitSeconds / b.waits).toFixed(1)} / ${b.pending}`;
      figures[`${g}: exit code after SIGTERM`] = exitCodes[i] ?? "none";
    });
    figures["bench process: CPU in the window (% of one core)"] = Math.round((benchCpu.user + benchCpu.system) / 1e4 / windowS);
    finished = true;
    return {
      name: "End-to-end latency and keep-up at a steady rate",
      figures,
      notes:
        `BENCH_LATENCY_RATE=${RATE}, BENCH_LATENCY_SECONDS=${SECONDS}, detector ENTREPOT_SETTLE_MS=${SETTLE_MS ?? "default (500)"}, notifier defaults ` +
        `(inhibition hold 5 s for non-critical alerts, 20 requests/s per subscription). Stream: ${workload.companies.length} synthetic companies over ${workload.quarters} quarters ` +
        `by publication date, interleaved with ${workload.months} months of the 20 hubs' customs, one broken row in 100, one revision in 80. ` +
        "raw -> clean: clean message's Kafka timestamp minus its raw message's (matched by provenance file:line), per clean record. " +
        "clean -> alert: per message on alerts.v1, its timestamp minus the latest timestamp, among the clean records its evidence cites, of the version each had " +
        "at the alert's time (the clean record that completed the evidence). alert -> webhook: receiver's arrival time minus the alert's timestamp, by alert id and revision. " +
        "Lag: committed offsets behind the end offsets of the group's input topics, sampled every second. All timestamps come from this machine's clock.",
    };
  } finally {
    await stopServices(services);
    await producer.close();
    await receiver.close();
    await deleteTopics(
      kafka,
      topicDefinitions(prefix).map((t) => t.name),
    ).catch((err: unknown) => progress(`deleting topics: ${String(err)}`));
    await deleteRedisKeys(ctx.redisUrl, prefix).catch((err: unknown) => progress(`deleting Redis keys: ${String(err)}`));
    redis.disconnect();
    // the services' logs stay for a look when the run failed
    if (finished) rmSync(tmp, { recursive: true, force: true });
    else progress(`service logs kept in ${tmp}`);
  }
}
