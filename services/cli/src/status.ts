import { AlertLog, DeliveryAdmin } from "@entrepot/delivery";
import {
  createKafka,
  describeGroups,
  groupLag,
  type Kafka,
  KafkaUnreachableError,
  type PartitionLag,
  probeKafka,
  scanTopic,
} from "@entrepot/kafka";
import { topicName } from "@entrepot/schemas";
import type { Redis } from "ioredis";
import type { CliRuntime } from "./cliEnv";
import { connectRedis, redisAddress } from "./connections";
import { type DeadLetter, deadLetterOf } from "./deadLetters";
import { InfrastructureError } from "./exitCodes";
import { STAGE_NAMES, type StageName, stageGroup } from "./pipelineStages";

export type Reachability =
  | { reachable: true; address: string; latencyMs: number; detail: string }
  | { reachable: false; address: string; error: string };

export interface PartitionStatus extends PartitionLag {
  /** records produced to the partition per second over the interval */
  inPerSec: number;
  /** records the group committed past per second over the interval */
  outPerSec: number;
}

export interface StageStatus {
  stage: StageName;
  group: string;
  /** Kafka's group state (Stable, Empty, Dead when it never existed...) and its members */
  state: string;
  members: number;
  lag: number;
  inPerSec: number;
  outPerSec: number;
  partitions: PartitionStatus[];
  /** the latest dead letter this stage wrote (within the rejects window) */
  lastError: { at: string; reason: string; message: string } | null;
}

export interface StatusReport {
  at: string;
  prefix: string;
  intervalSeconds: number;
  kafka: Reachability;
  redis: Reachability;
  /** null: Kafka unreachable */
  stages: StageStatus[] | null;
  /** the latest `window` dead letters by reason; null: Kafka unreachable */
  rejects: { window: number; scanned: number; byReason: Record<string, number> } | null;
  /** alerts in the alert log by rule and status; null: Redis unreachable */
  alerts: { total: number; byRule: Record<string, Record<string, number>> } | null;
  /** the delivery queue; null: Redis unreachable */
  deliveries: { waiting: number; active: number; delayed: number; failed: number; completed: number } | null;
  /** what could not be collected and why: the report is partial when not empty */
  missing: string[];
}

/** Per partition, the rates between two samples of the same group's offsets `seconds` apart. */
export function withRates(before: readonly PartitionLag[], after: readonly PartitionLag[], seconds: number): PartitionStatus[] {
  return after.map((a) => {
    const b = before.find((p) => p.topic === a.topic && p.partition === a.partition);
    const perSec = (n: number) => (seconds > 0 ? Math.max(0, n) / seconds : 0);
    return {
      ...a,
      inPerSec: b ? perSec(a.high - b.high) : 0,
      outPerSec: b ? perSec((a.committed ?? a.low) - (b.committed ?? b.low)) : 0,
    };
  });
}

/** Dead letters by reason and the latest per stage, over the last `window` messages of rejects.v1 (paged). */
async function rejectsSummary(kafka: Kafka, prefix: string, window: number) {
  const byReason: Record<string, number> = {};
  const lastByStage = new Map<string, DeadLetter>();
  let scanned = 0;
  await scanTopic(kafka, topicName(prefix, "rejects"), { lastPerPartition: window, pageSize: 500 }, (page) => {
    for (const m of page) {
      const d = deadLetterOf(m);
      scanned += 1;
      byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
      lastByStage.set(d.stage, d);
    }
    return true;
  });
  return { summary: { window, scanned, byReason }, lastByStage };
}

/** The stage whose dead letters carry this stage name (the normalizer writes `normalize` ones...). */
const REJECT_STAGE: Record<StageName, string> = { normalizer: "normalize", detector: "detect", notifier: "notify" };

async function kafkaPart(kafka: Kafka, prefix: string, intervalMs: number, window: number, missing: string[]) {
  const groups = STAGE_NAMES.map((stage) => ({ stage, ...stageGroup(prefix, stage) }));
  const sample = () => Promise.all(groups.map((g) => groupLag(kafka, g.groupId, g.topics)));
  const before = await sample();
  const started = Date.now();
  await new Promise((r) => setTimeout(r, intervalMs));
  const after = await sample();
  const seconds = (Date.now() - started) / 1000;
  const described = await describeGroups(
    kafka,
    groups.map((g) => g.groupId),
  );
  let rejects: Awaited<ReturnType<typeof rejectsSummary>> | undefined;
  try {
    rejects = await rejectsSummary(kafka, prefix, window);
  } catch (err) {
    missing.push(`dead letters: ${(err as Error).message}`);
  }
  const stages = groups.map((g, i): StageStatus => {
    const partitions = withRates(before[i] ?? [], after[i] ?? [], seconds);
    const d = described.find((x) => x.groupId === g.groupId);
    const last = rejects?.lastByStage.get(REJECT_STAGE[g.stage]);
    return {
      stage: g.stage,
      group: g.groupId,
      state: d?.state ?? "Unknown",
      members: d?.members ?? 0,
      lag: partitions.reduce((n, p) => n + p.lag, 0),
      inPerSec: partitions.reduce((n, p) => n + p.inPerSec, 0),
      outPerSec: partitions.reduce((n, p) => n + p.outPerSec, 0),
      partitions,
      lastError: last ? { at: last.at, reason: last.reason, message: last.message } : null,
    };
  });
  return { stages, rejects: rejects?.summary ?? null, seconds };
}

async function redisPart(redis: Redis, prefix: string) {
  const log = new AlertLog(redis, prefix);
  const { alerts } = await log.list({}, 0, Number.MAX_SAFE_INTEGER);
  const byRule: Record<string, Record<string, number>> = {};
  for (const a of alerts) {
    const r = byRule[a.rule] ?? {};
    r[a.status] = (r[a.status] ?? 0) + 1;
    byRule[a.rule] = r;
  }
  const admin = new DeliveryAdmin(redis, prefix);
  try {
    return { alerts: { total: alerts.length, byRule }, deliveries: await admin.counts() };
  } finally {
    await admin.close();
  }
}

export interface StatusOptions {
  intervalMs: number;
  /** how many of the latest dead letters to count by reason */
  rejectsWindow: number;
}

/**
 * Everything an operator looks at first, from Kafka (lag and rates per group and partition, dead
 * letters) and Redis (alerts by rule, the delivery queue), with each side's reachability: when one
 * is away, its parts are null and `missing` says why (the report is partial, not an error).
 */
export async function collectStatus(rt: CliRuntime, options: StatusOptions): Promise<StatusReport> {
  const missing: string[] = [];
  const kafkaAddress = rt.config.KAFKA_BROKERS.join(",");
  const redisAddr = redisAddress(rt.config.REDIS_URL);
  const [kafkaSide, redisSide] = await Promise.all([
    (async () => {
      try {
        const health = await probeKafka({ brokers: rt.config.KAFKA_BROKERS, logger: rt.kafkaLogger, timeoutMs: 7000 });
        const reach: Reachability = {
          reachable: true,
          address: kafkaAddress,
          latencyMs: health.latencyMs,
          detail: `${health.brokers} broker(s), cluster ${health.clusterId}`,
        };
        return { reach, kafka: createKafka({ brokers: rt.config.KAFKA_BROKERS, clientId: "entrepot-cli", logger: rt.kafkaLogger }) };
      } catch (err) {
        if (!(err instanceof KafkaUnreachableError)) throw err;
        return { reach: { reachable: false, address: kafkaAddress, error: err.detail } satisfies Reachability, kafka: undefined };
      }
    })(),
    (async () => {
      try {
        const started = Date.now();
        const redis = await connectRedis(rt.config.REDIS_URL);
        const latencyMs = Date.now() - started;
        const version = /redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? "?";
        return { reach: { reachable: true, address: redisAddr, latencyMs, detail: `Redis ${version}` } satisfies Reachability, redis };
      } catch (err) {
        if (!(err instanceof InfrastructureError)) throw err;
        return { reach: { reachable: false, address: redisAddr, error: err.detail } satisfies Reachability, redis: undefined };
      }
    })(),
  ]);
  try {
    const [k, r] = await Promise.all([
      kafkaSide.kafka ? kafkaPart(kafkaSide.kafka, rt.prefix, options.intervalMs, options.rejectsWindow, missing) : undefined,
      redisSide.redis ? redisPart(redisSide.redis, rt.prefix) : undefined,
    ]);
    if (!k) missing.push(`consumer groups, lag, rates and dead letters: Kafka unreachable at ${kafkaAddress}`);
    if (!r) missing.push(`alerts and deliveries: Redis unreachable at ${redisAddr}`);
    return {
      at: new Date().toISOString(),
      prefix: rt.prefix,
      intervalSeconds: k?.seconds ?? options.intervalMs / 1000,
      kafka: kafkaSide.reach,
      redis: redisSide.reach,
      stages: k?.stages ?? null,
      rejects: k?.rejects ?? null,
      alerts: r?.alerts ?? null,
      deliveries: r?.deliveries ?? null,
      missing,
    };
  } finally {
    redisSide.redis?.disconnect();
  }
}

const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** The report as text for a person; `paint` colours a warning (identity without colour). */
export function formatStatus(s: StatusReport, paint: (text: string) => string = (t) => t): string {
  const lines: string[] = [`entrepot status ${s.at}${s.prefix ? ` (prefix ${s.prefix})` : ""}, rates over ${n(s.intervalSeconds)} s`];
  const reach = (name: string, r: Reachability) =>
    r.reachable
      ? `${name.padEnd(6)} ok       ${r.address}  ${r.detail}, ${r.latencyMs} ms`
      : paint(`${name.padEnd(6)} DOWN     ${r.address}  ${r.error}`);
  lines.push(reach("kafka", s.kafka), reach("redis", s.redis), "");
  if (s.stages) {
    lines.push(
      `${"stage".padEnd(11)} ${"group state".padEnd(20)} ${"mem".padStart(3)} ${"lag".padStart(7)} ${"in/s".padStart(7)} ${"out/s".padStart(7)}  last dead letter`,
    );
    for (const g of s.stages) {
      const err = g.lastError ? `${g.lastError.at} ${g.lastError.reason}` : "-";
      const row = `${g.stage.padEnd(11)} ${g.state.padEnd(20)} ${String(g.members).padStart(3)} ${String(g.lag).padStart(7)} ${n(g.inPerSec).padStart(7)} ${n(g.outPerSec).padStart(7)}  ${err}`;
      lines.push(g.lag > 0 && g.members === 0 ? paint(row) : row);
      for (const p of g.partitions)
        lines.push(
          `  ${`${p.topic}[${p.partition}]`.padEnd(40)} committed ${p.committed ?? "-"} end ${p.high} lag ${p.lag} in ${n(p.inPerSec)}/s out ${n(p.outPerSec)}/s`,
        );
    }
    lines.push("");
  }
  if (s.rejects) {
    const reasons = Object.entries(s.rejects.byReason)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    lines.push(`dead letters (latest ${s.rejects.scanned} of at most ${s.rejects.window} per partition): ${reasons || "none"}`);
  }
  if (s.alerts) {
    const rules = Object.entries(s.alerts.byRule)
      .map(
        ([rule, byStatus]) =>
          `${rule} ${Object.entries(byStatus)
            .map(([st, c]) => `${st}=${c}`)
            .join(" ")}`,
      )
      .join("; ");
    lines.push(`alerts: ${s.alerts.total}${rules ? ` (${rules})` : ""}`);
  }
  if (s.deliveries) {
    const d = s.deliveries;
    const row = `deliveries: waiting ${d.waiting}, active ${d.active}, delayed ${d.delayed}, failed ${d.failed}, completed ${d.completed}`;
    lines.push(d.failed > 0 ? paint(row) : row);
  }
  for (const m of s.missing) lines.push(paint(`PARTIAL: ${m}`));
  return lines.join("\n");
}
